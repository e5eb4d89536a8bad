"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime, formatRelative } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ActionsHeader, Table, Td, Th } from "../ui/table";
import { describeUserAgent } from "./user-agent";

export function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() }),
    }),
  );
  const [confirmEverywhere, setConfirmEverywhere] = useState(false);
  const everywhere = useMutation(
    trpc.auth.logoutEverywhere.mutationOptions({ onSuccess: () => window.location.assign("/login") }),
  );

  if (sessions.isPending) return <Loading label="Loading your sessions…" />;
  if (sessions.isError)
    return <QueryError error={sessions.error} what="your sessions" onRetry={() => void sessions.refetch()} />;

  return (
    <div className="space-y-4">
      {revoke.error ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
      <Table label="Sessions">
        <thead>
          <tr>
            <Th>Device</Th>
            <Th>Address</Th>
            <Th>Signed in</Th>
            <Th>Last active</Th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {sessions.data.map((session) => (
            <tr key={session.id}>
              <Td>
                <span className="font-medium">{describeUserAgent(session.userAgent)}</span>{" "}
                {session.current ? <Badge tone="sky">This session</Badge> : null}
              </Td>
              <Td className="font-mono text-xs">{session.ip ?? "—"}</Td>
              <Td>{formatDateTime(session.createdAt)}</Td>
              <Td>{formatRelative(session.lastSeenAt)}</Td>
              <Td>
                {session.current ? null : (
                  <Button
                    size="sm"
                    variant="quiet-danger"
                    onClick={() => revoke.mutate({ id: session.id })}
                    pending={revoke.isPending && revoke.variables.id === session.id}
                    aria-label={`Sign out the session on ${describeUserAgent(session.userAgent)} from ${session.ip ?? "an unknown address"}`}
                  >
                    Sign out
                  </Button>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Button variant="outline-danger" onClick={() => setConfirmEverywhere(true)}>
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={confirmEverywhere}
        onClose={() => setConfirmEverywhere(false)}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        onConfirm={() => everywhere.mutate()}
        pending={everywhere.isPending}
        error={everywhere.error ? errorMessage(everywhere.error) : null}
      >
        Every session of yours ends, this one included. API tokens keep working; revoke them below if they leaked.
      </ConfirmDialog>
    </div>
  );
}
