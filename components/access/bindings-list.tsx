"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck, Trash2, User, UsersRound } from "lucide-react";
import { createContext, useCallback, useContext, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime } from "../ui/format";
import { IconButton } from "../ui/icon-button";

type Binding = RouterOutputs["bindings"]["list"][number];

function granteeName(binding: Binding): string {
  if (binding.team) return `team ${binding.team.name}`;
  if (binding.user) return `@${binding.user.username}`;
  return "nobody";
}

const scopeOf = (binding: Binding) => binding.environment?.name ?? "all environments";

/** The list's own handler for a row's remove button (the dialog lives with the list). */
const RemoveBinding = createContext<(binding: Binding) => void>(() => undefined);

function RemoveButton({ binding }: { binding: Binding }) {
  const remove = useContext(RemoveBinding);
  return (
    <IconButton
      icon={Trash2}
      tone="danger"
      label={`Remove ${binding.role.name} from ${granteeName(binding)} on ${scopeOf(binding)}`}
      onClick={() => remove(binding)}
    />
  );
}

const column = columnHelper<Binding>();
const bindingColumns: DataColumn<Binding>[] = [
  column.accessor((binding) => binding.role.name.toLowerCase(), {
    id: "role",
    header: "Role",
    enableHiding: false,
    cell: ({ row }) => <span className="block truncate font-medium">{row.original.role.name}</span>,
    meta: { minWidth: 160 },
  }),
  column.accessor(granteeName, {
    id: "grantee",
    header: "Given to",
    cell: ({ row: { original: binding } }) => (
      <span className="inline-flex max-w-full items-center gap-1.5">
        {binding.team ? (
          <UsersRound aria-label="Team" className="size-4 shrink-0 text-subtle" />
        ) : (
          <User aria-label="User" className="size-4 shrink-0 text-subtle" />
        )}
        <span className="truncate">
          {binding.team ? binding.team.name : binding.user ? `@${binding.user.username}` : "—"}
        </span>
      </span>
    ),
    meta: { minWidth: 160, priority: 20 },
  }),
  column.accessor((binding) => binding.environment?.name ?? "", {
    id: "scope",
    header: "Scope",
    cell: ({ row }) => (
      <span className="block truncate">
        {row.original.environment ? row.original.environment.name : "All environments"}
      </span>
    ),
    meta: { minWidth: 140, priority: 30 },
  }),
  column.accessor((binding) => new Date(binding.createdAt).getTime(), {
    id: "since",
    header: "Since",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.createdAt)}</span>,
    meta: { width: 190, priority: 40 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <RemoveButton binding={row.original} />,
    meta: { label: "Actions", width: 60, sticky: "right", align: "end" },
  }),
];

const bindingId = (binding: Binding) => binding.id;
const NOUN = ["role binding", "role bindings"] as const;

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

  const { reset } = remove;
  const ask = useCallback(
    (binding: Binding) => {
      reset();
      setRemoving(binding);
    },
    [reset],
  );
  const model = useDataTable({ data: bindings.data, columns: bindingColumns, getRowId: bindingId });

  return (
    <TableStates
      query={bindings}
      what="the role bindings"
      total={model.total}
      shown={model.rows.length}
      empty={{ icon: ShieldCheck, title: "No role bindings", body: "Nobody can do anything yet. Give a role above." }}
    >
      <RemoveBinding value={ask}>
        <DataTable model={model} label="Role bindings" noun={NOUN} />
      </RemoveBinding>
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
    </TableStates>
  );
}
