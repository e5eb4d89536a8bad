"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Server } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { EmptyState } from "../empty-state";
import { errorCode } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { EnvironmentCard } from "./environment-card";
import { FleetSummary } from "./fleet-summary";

const REFRESH_AT_MOST_EVERY_MS = 1000;

function NoEnvironments({ mayAdd }: { mayAdd: boolean }) {
  return mayAdd ? (
    <EmptyState icon={Server} title="No environments yet">
      Environments are the Docker hosts and swarm managers Stevedore manages. Each will show here as a card with its
      status, engine and counts.{" "}
      <Link href="/environments" className="font-medium text-sky-700 hover:underline dark:text-sky-400">
        Add one on the Environments page
      </Link>
    </EmptyState>
  ) : (
    <EmptyState icon={Server} title="No environments for you">
      You have not been given a role on any environment yet. Ask an administrator.
    </EmptyState>
  );
}

/** Runs `run` at most once per `everyMs`, trailing: the last call in a burst is never lost. */
function throttle(run: () => void, everyMs: number) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call: () => {
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = null;
          last = Date.now();
          run();
        },
        Math.max(0, last + everyMs - Date.now()),
      );
    },
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** A card per environment, kept current by the fleet's status changes. */
export function FleetOverview() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayAdd = holdsEverywhere(useViewer(), "environment.manage");
  // The live feed does the work; the interval only covers a feed that dropped.
  const environments = useQuery({ ...trpc.environments.list.queryOptions(), refetchInterval: 30_000 });

  // A flapping host can send many status changes a second: refetch at most once a second.
  const [refresh] = useState(() =>
    throttle(
      () => void queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() }),
      REFRESH_AT_MOST_EVERY_MS,
    ),
  );
  useEffect(() => refresh.cancel, [refresh]);
  useSubscription(
    trpc.fleet.changes.subscriptionOptions(undefined, {
      enabled: environments.isSuccess,
      onData: (change) => {
        if (change.type === "status") refresh.call();
      },
    }),
  );

  if (environments.isPending) return <Loading label="Loading environments…" />;
  // Without a role on any environment the list is refused: for Home that is simply "none for you".
  if (environments.isError && errorCode(environments.error) === "FORBIDDEN") return <NoEnvironments mayAdd={false} />;
  if (environments.isError)
    return (
      <QueryError error={environments.error} what="the environments" onRetry={() => void environments.refetch()} />
    );
  if (environments.data.length === 0) return <NoEnvironments mayAdd={mayAdd} />;
  return (
    <div className="space-y-4">
      <FleetSummary environments={environments.data} />
      <div className="grid gap-4 xl:grid-cols-2">
        {environments.data.map((env) => (
          <EnvironmentCard key={env.id} environment={env} />
        ))}
      </div>
    </div>
  );
}
