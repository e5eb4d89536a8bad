"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Eye, Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { createContext, useContext, useMemo, useState } from "react";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { IconButton } from "../ui/icon-button";
import type { RoleRow } from "./types";

/** The list's own handler for a row's delete button (the dialog lives with the list). */
const RemoveRole = createContext<(role: RoleRow) => void>(() => undefined);

const column = columnHelper<RoleRow>();

function RoleActions({ role }: { role: RoleRow }) {
  const remove = useContext(RemoveRole);
  const verb = role.builtin ? "View" : "Edit";
  return (
    <div className="inline-flex gap-0.5">
      <Link
        href={`/settings/roles/${role.id}`}
        prefetch={false}
        aria-label={`${verb} ${role.name}`}
        title={`${verb} ${role.name}`}
        className="inline-grid size-8 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg"
      >
        {role.builtin ? <Eye aria-hidden className="size-4" /> : <Pencil aria-hidden className="size-4" />}
      </Link>
      {role.builtin ? null : (
        <IconButton icon={Trash2} tone="danger" label={`Delete ${role.name}`} onClick={() => remove(role)} />
      )}
    </div>
  );
}

const roleColumns: DataColumn<RoleRow>[] = [
  column.accessor((role) => role.name.toLowerCase(), {
    id: "role",
    header: "Role",
    enableHiding: false,
    cell: ({ row: { original: role } }) => (
      <>
        <div className="flex items-center gap-2">
          <Link href={`/settings/roles/${role.id}`} prefetch={false} className="truncate font-medium hover:underline">
            {role.name}
          </Link>
          {role.builtin ? <Badge>Built-in</Badge> : <Badge tone="sky">Custom</Badge>}
        </div>
        {role.description ? <p className="truncate text-xs text-subtle">{role.description}</p> : null}
      </>
    ),
    meta: { minWidth: 220 },
  }),
  column.accessor((role) => role.permissions.length, {
    id: "permissions",
    header: "Permissions",
    cell: ({ getValue }) => getValue<number>(),
    meta: { width: 130, priority: 20 },
  }),
  column.accessor((role) => role._count.bindings, {
    id: "bindings",
    header: "Bindings",
    cell: ({ getValue }) => getValue<number>(),
    meta: { width: 110, priority: 30 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <RoleActions role={row.original} />,
    meta: { label: "Actions", width: 96, sticky: "right", align: "end" },
  }),
];

const roleId = (role: RoleRow) => role.id;
const NOUN = ["role", "roles"] as const;

export function RolesTable({ roles }: { roles: RoleRow[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<RoleRow | null>(null);
  const remove = useMutation(
    trpc.roles.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
      },
    }),
  );
  const { reset } = remove;
  const ask = useMemo(
    () => (role: RoleRow) => {
      reset();
      setRemoving(role);
    },
    [reset],
  );
  // Built-in roles first, as the server lists them: no sort until a header asks for one.
  const model = useDataTable({ data: roles, columns: roleColumns, getRowId: roleId });
  return (
    <>
      <RemoveRole value={ask}>
        <DataTable model={model} label="Roles" noun={NOUN} />
      </RemoveRole>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Delete role ${removing?.name ?? ""}?`}
        confirmLabel="Delete role"
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        {removing && removing._count.bindings > 0
          ? `Its ${removing._count.bindings} binding(s) go with it: whoever holds it loses those permissions.`
          : "Nobody holds it. This cannot be undone."}
      </ConfirmDialog>
    </>
  );
}
