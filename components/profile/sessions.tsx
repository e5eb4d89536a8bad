"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime, formatRelative } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { describeUserAgent } from "./user-agent";

type Session = RouterOutputs["auth"]["sessions"][number];

/** The list's own sign-out, and which session is being signed out now. */
const SignOutSession = createContext<{ signOut: (id: string) => void; pendingId: string | null }>({
  signOut: () => undefined,
  pendingId: null,
});

function SignOutButton({ session }: { session: Session }) {
  const { signOut, pendingId } = useContext(SignOutSession);
  if (session.current) return null;
  return (
    <Button
      size="sm"
      variant="quiet-danger"
      onClick={() => signOut(session.id)}
      pending={pendingId === session.id}
      aria-label={`Sign out the session on ${describeUserAgent(session.userAgent)} from ${session.ip ?? "an unknown address"}`}
    >
      Sign out
    </Button>
  );
}

const column = columnHelper<Session>();
const sessionColumns: DataColumn<Session>[] = [
  column.accessor((session) => describeUserAgent(session.userAgent), {
    id: "device",
    header: "Device",
    enableHiding: false,
    cell: ({ row: { original: session } }) => (
      <span className="flex min-w-0 items-center gap-2">
        <span className="truncate font-medium">{describeUserAgent(session.userAgent)}</span>
        {session.current ? <Badge tone="sky">This session</Badge> : null}
      </span>
    ),
    meta: { minWidth: 200 },
  }),
  column.accessor((session) => session.ip ?? "", {
    id: "ip",
    header: "Address",
    cell: ({ row }) => <span className="font-mono text-xs">{row.original.ip ?? "—"}</span>,
    meta: { width: 150, priority: 30 },
  }),
  column.accessor((session) => new Date(session.createdAt).getTime(), {
    id: "created",
    header: "Signed in",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.createdAt)}</span>,
    meta: { width: 190, priority: 40 },
  }),
  column.accessor((session) => new Date(session.lastSeenAt).getTime(), {
    id: "lastSeen",
    header: "Last active",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatRelative(row.original.lastSeenAt)}</span>,
    meta: { width: 130, priority: 20 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <SignOutButton session={row.original} />,
    meta: { label: "Actions", width: 110, sticky: "right", align: "end" },
  }),
];

const sessionId = (session: Session) => session.id;
const NOUN = ["session", "sessions"] as const;

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

  const { mutate, isPending, variables } = revoke;
  const pendingId = isPending ? variables.id : null;
  const signOut = useMemo(() => ({ signOut: (id: string) => mutate({ id }), pendingId }), [mutate, pendingId]);
  const model = useDataTable({ data: sessions.data, columns: sessionColumns, getRowId: sessionId });

  if (sessions.isPending) return <Loading label="Loading your sessions…" />;
  if (sessions.isError)
    return <QueryError error={sessions.error} what="your sessions" onRetry={() => void sessions.refetch()} />;

  return (
    <div className="space-y-4">
      {revoke.error ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
      <SignOutSession value={signOut}>
        <DataTable model={model} label="Sessions" noun={NOUN} />
      </SignOutSession>
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
