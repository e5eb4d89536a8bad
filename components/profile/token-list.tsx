"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { createContext, useCallback, useContext, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime, formatRelative } from "../ui/format";

function TokenStatus({ expiresAt, revokedAt, now }: { expiresAt: string; revokedAt: string | null; now: number }) {
  if (revokedAt) return <Badge tone="red">Revoked</Badge>;
  if (new Date(expiresAt).getTime() <= now) return <Badge tone="amber">Expired</Badge>;
  return <Badge tone="green">Active</Badge>;
}

type Token = RouterOutputs["tokens"]["list"][number];

/** The list's own handler for a row's Revoke button (the dialog lives with the list). */
const RevokeToken = createContext<(token: Token) => void>(() => undefined);
/** When the list was read: "expired" is judged against that, so every row agrees. */
const TokensCheckedAt = createContext(0);

function Status({ token }: { token: Token }) {
  return <TokenStatus expiresAt={token.expiresAt} revokedAt={token.revokedAt} now={useContext(TokensCheckedAt)} />;
}

function RevokeButton({ token }: { token: Token }) {
  const revoke = useContext(RevokeToken);
  if (token.revokedAt) return null;
  return (
    <Button size="sm" variant="quiet-danger" onClick={() => revoke(token)} aria-label={`Revoke ${token.name}`}>
      Revoke
    </Button>
  );
}

const column = columnHelper<Token>();
const tokenColumns: DataColumn<Token>[] = [
  column.accessor((token) => token.name.toLowerCase(), {
    id: "name",
    header: "Name",
    enableHiding: false,
    cell: ({ row }) => <span className="block truncate font-medium">{row.original.name}</span>,
    meta: { minWidth: 140 },
  }),
  column.accessor("prefix", {
    id: "prefix",
    header: "Token",
    enableSorting: false,
    cell: ({ row }) => <span className="font-mono text-xs">{row.original.prefix}…</span>,
    meta: { width: 130, priority: 40 },
  }),
  column.display({
    id: "status",
    header: "Status",
    cell: ({ row }) => <Status token={row.original} />,
    meta: { width: 100, priority: 10 },
  }),
  column.accessor((token) => new Date(token.expiresAt).getTime(), {
    id: "expires",
    header: "Expires",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.expiresAt)}</span>,
    meta: { width: 190, priority: 30 },
  }),
  column.accessor((token) => (token.lastUsedAt ? new Date(token.lastUsedAt).getTime() : 0), {
    id: "lastUsed",
    header: "Last used",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatRelative(row.original.lastUsedAt)}</span>,
    meta: { width: 130, priority: 50 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <RevokeButton token={row.original} />,
    meta: { label: "Actions", width: 96, sticky: "right", align: "end" },
  }),
];

const tokenId = (token: Token) => token.id;
const NOUN = ["token", "tokens"] as const;

export function TokenList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
    }),
  );

  const { reset } = revoke;
  const ask = useCallback(
    (token: Token) => {
      reset();
      setRevoking({ id: token.id, name: token.name });
    },
    [reset],
  );
  const model = useDataTable({ data: tokens.data, columns: tokenColumns, getRowId: tokenId });

  return (
    <TableStates
      query={tokens}
      what="your API tokens"
      total={model.total}
      shown={model.rows.length}
      empty={{
        icon: KeyRound,
        title: "No API tokens",
        body: "Scripts and CI use a token instead of your password. Create one above.",
      }}
    >
      <RevokeToken value={ask}>
        <TokensCheckedAt value={tokens.dataUpdatedAt}>
          <DataTable model={model} label="API tokens" noun={NOUN} />
        </TokensCheckedAt>
      </RevokeToken>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.name ?? "token"}?`}
        confirmLabel="Revoke"
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        pending={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
      >
        Anything using this token stops working at its next call. This cannot be undone.
      </ConfirmDialog>
    </TableStates>
  );
}
