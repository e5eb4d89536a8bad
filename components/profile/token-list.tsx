"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { EmptyState } from "../empty-state";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime, formatRelative } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ActionsHeader, Table, Td, Th } from "../ui/table";

function TokenStatus({ expiresAt, revokedAt, now }: { expiresAt: string; revokedAt: string | null; now: number }) {
  if (revokedAt) return <Badge tone="red">Revoked</Badge>;
  if (new Date(expiresAt).getTime() <= now) return <Badge tone="amber">Expired</Badge>;
  return <Badge tone="green">Active</Badge>;
}

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

  if (tokens.isPending) return <Loading label="Loading your API tokens…" />;
  if (tokens.isError)
    return <QueryError error={tokens.error} what="your API tokens" onRetry={() => void tokens.refetch()} />;
  if (tokens.data.length === 0) {
    return (
      <EmptyState icon={KeyRound} title="No API tokens">
        Scripts and CI use a token instead of your password. Create one above.
      </EmptyState>
    );
  }
  return (
    <>
      <Table label="API tokens">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Token</Th>
            <Th>Status</Th>
            <Th>Expires</Th>
            <Th>Last used</Th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {tokens.data.map((token) => (
            <tr key={token.id}>
              <Td className="font-medium">{token.name}</Td>
              <Td className="font-mono text-xs">{token.prefix}…</Td>
              <Td>
                <TokenStatus expiresAt={token.expiresAt} revokedAt={token.revokedAt} now={tokens.dataUpdatedAt} />
              </Td>
              <Td>{formatDateTime(token.expiresAt)}</Td>
              <Td>{formatRelative(token.lastUsedAt)}</Td>
              <Td>
                {token.revokedAt ? null : (
                  <Button
                    size="sm"
                    variant="quiet-danger"
                    onClick={() => {
                      revoke.reset();
                      setRevoking({ id: token.id, name: token.name });
                    }}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </Button>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
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
    </>
  );
}
