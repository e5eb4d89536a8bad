"use client";

import { useQuery } from "@tanstack/react-query";
import { UserPlus, Users } from "lucide-react";
import { useState } from "react";
import { TableStates } from "../data-table/table-states";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CreateUserDialog } from "./create-user-dialog";
import { UsersTable } from "./users-table";

export function UsersAdmin() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="users-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="users-heading" className="text-lg font-semibold">
            Users
          </h2>
          <p className="text-sm text-muted">
            People who sign in to Stevedore. What they may do comes from their roles on the Access tab.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <UserPlus aria-hidden className="size-4" />
          New user
        </Button>
      </div>
      <TableStates
        query={users}
        what="the users"
        total={users.data?.length ?? 0}
        shown={users.data?.length ?? 0}
        empty={{ icon: Users, title: "No users", body: "Create the first one with New user." }}
      >
        {users.data ? <UsersTable users={users.data} /> : null}
      </TableStates>
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
