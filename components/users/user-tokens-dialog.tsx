"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { formatDateTime, formatRelative } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ActionsHeader, Table, Td, Th } from "../ui/table";
import type { UserRow } from "./types";

/** A user's API tokens, for an administrator: see them (never the secrets) and revoke any.
 * Revoking ends what the token has open (consoles, streams) within seconds. */
export function UserTokensDialog({ user, open, onClose }: { user: UserRow; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery({ ...trpc.tokens.listFor.queryOptions({ userId: user.id }), enabled: open });
  const [confirming, setConfirming] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.tokens.revokeFor.mutationOptions({
      onSuccess: async () => {
        setConfirming(null);
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.listFor.queryKey({ userId: user.id }) });
      },
    }),
  );
  const now = tokens.dataUpdatedAt;

  return (
    <Dialog open={open} onClose={onClose} wide title={`API tokens of ${user.username}`}>
      {tokens.isPending ? (
        <Loading label="Loading their tokens…" />
      ) : tokens.isError ? (
        <QueryError error={tokens.error} what="their tokens" onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <p className="text-sm text-muted">{user.username} has no API tokens.</p>
      ) : (
        <div className="space-y-3">
          {revoke.error ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
          <Table label={`API tokens of ${user.username}`}>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Token</Th>
                <Th>Status</Th>
                <Th>Last used</Th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => {
                const ended = token.revokedAt !== null || new Date(token.expiresAt).getTime() <= now;
                return (
                  <tr key={token.id}>
                    <Td className="font-medium">{token.name}</Td>
                    <Td className="font-mono text-xs">{token.prefix}…</Td>
                    <Td>
                      {token.revokedAt ? (
                        <Badge tone="red">Revoked</Badge>
                      ) : ended ? (
                        <Badge tone="amber">Expired</Badge>
                      ) : (
                        <Badge tone="green">Active until {formatDateTime(token.expiresAt)}</Badge>
                      )}
                    </Td>
                    <Td>{formatRelative(token.lastUsedAt)}</Td>
                    <Td>
                      {ended ? null : confirming === token.id ? (
                        <span className="inline-flex gap-1">
                          <Button
                            size="sm"
                            variant="danger"
                            pending={revoke.isPending}
                            onClick={() => revoke.mutate({ id: token.id })}
                          >
                            Revoke now
                          </Button>
                          <Button size="sm" onClick={() => setConfirming(null)}>
                            Keep
                          </Button>
                        </span>
                      ) : (
                        <Button
                          size="sm"
                          variant="quiet-danger"
                          aria-label={`Revoke ${token.name}`}
                          onClick={() => {
                            revoke.reset();
                            setConfirming(token.id);
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </div>
      )}
    </Dialog>
  );
}
