"use client";

// Keeps the swarm pages' queries current: each cluster's change feed (swarm.changes, from the
// manager that serves its lists) marks the node, service and task queries stale, at most a
// few times a second, so an open page follows `docker service` and `docker node` changes made
// anywhere (this page, another one, a CLI) within a second.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC, useTRPCClient } from "../trpc";

const SETTLE_MS = 150;

export type SwarmLiveStatus = "connecting" | "live" | "error";

export function useSwarmLive(environmentIds: readonly string[]): SwarmLiveStatus {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SwarmLiveStatus>("connecting");
  const key = environmentIds.join(",");

  useEffect(() => {
    if (!key) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        for (const queryKey of [
          trpc.nodes.list.queryKey(),
          trpc.services.list.queryKey(),
          trpc.services.get.queryKey(),
          trpc.swarm.clusters.queryKey(),
        ]) {
          void queryClient.invalidateQueries({ queryKey });
        }
      }, SETTLE_MS);
    };
    const subscriptions = key.split(",").map((environmentId) =>
      client.swarm.changes.subscribe(
        { environmentId },
        {
          onStarted: () => setStatus("live"),
          onData: refresh,
          onError: () => setStatus("error"),
        },
      ),
    );
    return () => {
      if (timer) clearTimeout(timer);
      for (const s of subscriptions) s.unsubscribe();
    };
  }, [key, client, trpc, queryClient]);

  return status;
}

export function LiveStatus({ status }: { status: SwarmLiveStatus }) {
  return (
    <span className="text-xs text-subtle" data-testid="live-status">
      {status === "live"
        ? "Live"
        : status === "connecting"
          ? "Connecting to live updates…"
          : "Live updates stopped; reload to resume."}
    </span>
  );
}
