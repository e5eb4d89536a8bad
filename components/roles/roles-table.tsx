"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Eye, Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { IconButton } from "../ui/icon-button";
import { ActionsHeader, Table, Td, Th } from "../ui/table";
import type { RoleRow } from "./types";

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
  return (
    <>
      <Table label="Roles">
        <thead>
          <tr>
            <Th>Role</Th>
            <Th>Permissions</Th>
            <Th>Bindings</Th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {roles.map((role) => (
            <tr key={role.id}>
              <Td>
                <div className="flex items-center gap-2">
                  <Link href={`/settings/roles/${role.id}`} className="font-medium hover:underline">
                    {role.name}
                  </Link>
                  {role.builtin ? <Badge>Built-in</Badge> : <Badge tone="sky">Custom</Badge>}
                </div>
                {role.description ? (
                  <p className="text-xs text-slate-500 dark:text-slate-400">{role.description}</p>
                ) : null}
              </Td>
              <Td>{role.permissions.length}</Td>
              <Td>{role._count.bindings}</Td>
              <Td>
                <div className="inline-flex gap-0.5">
                  <Link
                    href={`/settings/roles/${role.id}`}
                    aria-label={`${role.builtin ? "View" : "Edit"} ${role.name}`}
                    title={`${role.builtin ? "View" : "Edit"} ${role.name}`}
                    className="inline-grid size-8 place-items-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
                  >
                    {role.builtin ? <Eye aria-hidden className="size-4" /> : <Pencil aria-hidden className="size-4" />}
                  </Link>
                  {role.builtin ? null : (
                    <IconButton
                      icon={Trash2}
                      tone="danger"
                      label={`Delete ${role.name}`}
                      onClick={() => {
                        remove.reset();
                        setRemoving(role);
                      }}
                    />
                  )}
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
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
