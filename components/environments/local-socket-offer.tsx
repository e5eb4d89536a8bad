"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlugZap } from "lucide-react";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

/**
 * On a first start: the engine whose socket this server can use, offered as the first
 * environment in one click. Shown only to those who may add environments, and only while
 * that socket is usable and not added yet.
 */
export function LocalSocketOffer({ first = false }: { first?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayAdd = holdsEverywhere(useViewer(), "environment.manage");
  const local = useQuery({ ...trpc.environments.localSocket.queryOptions(), enabled: mayAdd });
  const add = useMutation(
    trpc.environments.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.environments.localSocket.queryKey() });
      },
    }),
  );
  if (!mayAdd || !local.data || local.data.addedAs || local.data.state !== "available") return null;
  const { url } = local.data;
  return (
    <section
      aria-label="Local Docker engine"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-primary-border bg-primary-soft p-4"
    >
      <PlugZap aria-hidden className="size-6 shrink-0 text-primary-fg" />
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-medium text-fg">This server can reach a local Docker engine</p>
        <p className="text-muted">
          Its socket is at <code className="font-mono text-xs">{url}</code>.{" "}
          {first ? "Add it as your first environment?" : "Add it as an environment?"}
        </p>
        {add.error ? (
          <div className="mt-2">
            <Alert>{errorMessage(add.error)}</Alert>
          </div>
        ) : null}
      </div>
      <Button variant="primary" pending={add.isPending} onClick={() => add.mutate({ name: "local", url })}>
        Add “local”
      </Button>
    </section>
  );
}
