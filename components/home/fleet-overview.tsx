"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Server } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { holdsEverywhere, holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { EmptyState } from "../empty-state";
import { LocalSocketOffer } from "../environments/local-socket-offer";
import { errorCode } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { LiveStatusSync } from "../data-table/live-status-sync";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { EnvironmentCard, type FleetEnvironment } from "./environment-card";
import { FleetSummary } from "./fleet-summary";

const REFRESH_AT_MOST_EVERY_MS = 1000;

function NoEnvironments({ mayAdd }: { mayAdd: boolean }) {
  return mayAdd ? (
    <EmptyState icon={Server} title="No environments yet">
      Environments are the Docker hosts and swarm managers Stevedore manages. Each will show here as a card with its
      status, engine and counts.{" "}
      <Link href="/environments" className="font-medium text-primary-fg hover:underline">
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

/**
 * A card per environment, kept current by the fleet's status changes. The environments are read
 * at once, beside the feed connecting; the feed's start and its messages are laid over every
 * answer (../data-table/live-status-sync.ts), so no change between the two is lost.
 */
export function FleetOverview() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const mayAdd = holdsEverywhere(viewer, "environment.manage");
  const listKey = trpc.environments.list.queryKey();
  // A flapping host can send many status changes a second: refetch at most once a second.
  const [refresh] = useState(() =>
    throttle(
      () => void queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() }),
      REFRESH_AT_MOST_EVERY_MS,
    ),
  );
  useEffect(() => refresh.cancel, [refresh]);
  // An environment added or removed since the last read reads the list again (after the update
  // that found it).
  const [sync] = useState(() => new LiveStatusSync(() => queueMicrotask(() => refresh.call())));
  // The live feed does the work; the interval only covers a feed that dropped.
  const environments = useQuery({
    ...trpc.environments.list.queryOptions(),
    queryFn: async ({ signal }) => sync.settle(await client.environments.list.query(undefined, { signal })),
    refetchInterval: 30_000,
  });

  // Status and counts are applied to the cards in place; a resync reads the list again.
  type Held = FleetEnvironment[] | undefined;
  const apply = (change: (held: Held) => Held) => queryClient.setQueryData(listKey, (held) => change(held));
  useSubscription(
    trpc.fleet.changes.subscriptionOptions(
      { counts: true },
      {
        // Without a role anywhere there is nothing to hear (and the refusal would be on the record).
        enabled: holdsSomewhere(viewer, "environment.read"),
        onData: (change) => {
          if (change.type === "start") return void apply((held) => sync.started(change.statuses, held));
          if (change.type === "resync") return refresh.call();
          if (change.type === "status") apply((held) => sync.heardStatus(change.status, held));
          else if (change.type === "counts")
            apply((held) => sync.heardCounts(change.environmentId, change.counts, held));
        },
        onConnectionStateChange: (state) => {
          if (state.state !== "pending") sync.stopped();
        },
        onError: () => sync.stopped(),
      },
    ),
  );

  if (environments.isPending) return <Loading label="Loading environments…" />;
  // Without a role on any environment the list is refused: for Home that is simply "none for you".
  if (environments.isError && errorCode(environments.error) === "FORBIDDEN") return <NoEnvironments mayAdd={false} />;
  if (environments.isError)
    return (
      <QueryError error={environments.error} what="the environments" onRetry={() => void environments.refetch()} />
    );
  if (environments.data.length === 0)
    return (
      <div className="space-y-4">
        <LocalSocketOffer first />
        <NoEnvironments mayAdd={mayAdd} />
      </div>
    );
  const groups = groupEnvironments(environments.data);
  return (
    <div className="space-y-4">
      <FleetSummary environments={environments.data} />
      {groups.length === 1 && groups[0]!.name === null ? (
        <CardGrid environments={groups[0]!.environments} />
      ) : (
        groups.map((group) => (
          <section key={group.name ?? ""} aria-label={group.name ?? "Not in a group"} className="space-y-2">
            <h2 className="text-sm font-semibold text-muted">
              {group.name ?? "Not in a group"}{" "}
              <span className="font-normal text-subtle">({group.environments.length})</span>
            </h2>
            <CardGrid environments={group.environments} />
          </section>
        ))
      )}
    </div>
  );
}

function CardGrid({ environments }: { environments: FleetEnvironment[] }) {
  return (
    // minmax(0, 1fr) columns: a card's long URL is cut short in it, never widens the page.
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
      {environments.map((env) => (
        <EnvironmentCard key={env.id} environment={env} />
      ))}
    </div>
  );
}

/** Named groups in order, then the environments in none. */
function groupEnvironments(environments: FleetEnvironment[]) {
  const byName = new Map<string | null, FleetEnvironment[]>();
  for (const env of environments) {
    const key = env.group || null;
    byName.set(key, [...(byName.get(key) ?? []), env]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([name, members]) => ({ name, environments: members }));
}
