"use client";

import { DataTable } from "../data-table/data-table";
import { useDataTable } from "../data-table/use-data-table";
import { userColumns } from "./columns";
import type { UserRow } from "./types";

const userId = (user: UserRow) => user.id;
const NOUN = ["user", "users"] as const;
const BY_NAME = { id: "user", desc: false };

export function UsersTable({ users }: { users: UserRow[] }) {
  const model = useDataTable({ data: users, columns: userColumns, getRowId: userId, defaultSort: BY_NAME });
  return (
    <DataTable
      model={model}
      label="Users"
      noun={NOUN}
      rowClassName={(user) => (user.disabled ? "text-subtle" : undefined)}
    />
  );
}
