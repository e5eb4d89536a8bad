"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { detailsHref } from "../details/format";

/**
 * A create whose container was made but did not start (a port taken, a command not found): it
 * is on the host, stopped. Say so, and offer what peers offer: start it again, remove it and
 * edit the form to create it again, or open it.
 */
export function CreatedButNotStarted({
  environmentId,
  id,
  message,
  onRemoved,
}: {
  environmentId: string;
  id: string;
  /** the server's words: "Created web-1 (…), but could not start it: …" */
  message: string;
  /** removed: the form is for editing again */
  onRemoved: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
  const start = useMutation(
    trpc.containers.start.mutationOptions({
      onSuccess: async () => {
        await refresh();
        router.push(detailsHref(environmentId, id));
      },
    }),
  );
  const remove = useMutation(
    trpc.containers.remove.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onRemoved();
      },
    }),
  );
  const busy = start.isPending || remove.isPending;
  return (
    <Alert tone="warning" title="Created, but it did not start">
      <div className="space-y-2" data-testid="created-not-started">
        <p className="[overflow-wrap:anywhere]">{message}</p>
        <p>
          The container is on the host, stopped. Start it again once what stopped it is fixed, or remove it and change
          the settings here to create it again.
        </p>
        {start.error ? (
          <p role="alert" className="font-medium [overflow-wrap:anywhere]">
            It still did not start: {errorMessage(start.error)}
          </p>
        ) : null}
        {remove.error ? (
          <p role="alert" className="font-medium [overflow-wrap:anywhere]">
            Could not remove it: {errorMessage(remove.error)}
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-2 pt-1">
          <Button
            variant="primary"
            pending={start.isPending}
            disabled={busy}
            onClick={() => start.mutate({ environmentId, id })}
          >
            {start.isPending ? "Starting…" : "Start again"}
          </Button>
          <Button
            pending={remove.isPending}
            disabled={busy}
            onClick={() => remove.mutate({ environmentId, id, force: true })}
          >
            {remove.isPending ? "Removing…" : "Remove it and edit"}
          </Button>
          <Link href={detailsHref(environmentId, id)} className="text-sm font-medium underline">
            Open the container
          </Link>
        </div>
      </div>
    </Alert>
  );
}
