"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck, Trash2, User, UsersRound } from "lucide-react";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { EmptyState } from "../empty-state";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime } from "../ui/format";
import { IconButton } from "../ui/icon-button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ActionsHeader, Table, Td, Th } from "../ui/table";

type Binding = RouterOutputs["bindings"]["list"][number];

function granteeName(binding: Binding): string {
  if (binding.team) return `team ${binding.team.name}`;
  if (binding.user) return `@${binding.user.username}`;
  return "nobody";
}

export function BindingsList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const bindings = useQuery(trpc.bindings.list.queryOptions());
  const [removing, setRemoving] = useState<Binding | null>(null);
  const remove = useMutation(
    trpc.bindings.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.bindings.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
      },
    }),
  );

  if (bindings.isPending) return <Loading label="Loading role bindings…" />;
  if (bindings.isError)
    return <QueryError error={bindings.error} what="the role bindings" onRetry={() => void bindings.refetch()} />;
  if (bindings.data.length === 0) {
    return (
      <EmptyState icon={ShieldCheck} title="No role bindings">
        Nobody can do anything yet. Give a role above.
      </EmptyState>
    );
  }
  return (
    <>
      <Table label="Role bindings">
        <thead>
          <tr>
            <Th>Role</Th>
            <Th>Given to</Th>
            <Th>Scope</Th>
            <Th>Since</Th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {bindings.data.map((binding) => (
            <tr key={binding.id}>
              <Td className="font-medium">{binding.role.name}</Td>
              <Td>
                <span className="inline-flex items-center gap-1.5">
                  {binding.team ? (
                    <UsersRound aria-label="Team" className="size-4 text-slate-500" />
                  ) : (
                    <User aria-label="User" className="size-4 text-slate-500" />
                  )}
                  {binding.team ? binding.team.name : binding.user ? `@${binding.user.username}` : "—"}
                </span>
              </Td>
              <Td>{binding.environment ? binding.environment.name : "All environments"}</Td>
              <Td>{formatDateTime(binding.createdAt)}</Td>
              <Td>
                <IconButton
                  icon={Trash2}
                  tone="danger"
                  label={`Remove ${binding.role.name} from ${granteeName(binding)} on ${binding.environment?.name ?? "all environments"}`}
                  onClick={() => {
                    remove.reset();
                    setRemoving(binding);
                  }}
                />
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove this role binding?"
        confirmLabel="Remove"
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        {removing
          ? `${granteeName(removing)} loses ${removing.role.name} on ${removing.environment?.name ?? "all environments"} at once.`
          : null}
      </ConfirmDialog>
    </>
  );
}
