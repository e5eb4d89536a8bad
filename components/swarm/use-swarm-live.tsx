"use client";

// Keeps the swarm pages' queries current: each cluster's change feed (swarm.changes, from the
// manager that serves its lists) marks the node, service and task queries stale, at most a
// few times a second, so an open page follows `docker service` and `docker node` changes made
// anywhere (this page, another one, a CLI) within a second.
//
// A read in flight is never cancelled for a newer one: on a busy swarm (a rollout, a task
// restarting in a loop) changes come more often than a loaded server answers the lists, and
// restarting the read at each change kept the lists loading for as long as the changes came
// (each cancelled read still cost the server its work). Changes heard while a read is in
// flight are read once more when it has answered.
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
    let reading = false;
    let heardSince = false;
    let stopped = false;
    const read = async () => {
      reading = true;
      const keys = [
        trpc.nodes.list.queryKey(),
        trpc.services.list.queryKey(),
        trpc.services.get.queryKey(),
        trpc.swarm.clusters.queryKey(),
      ];
      // A read already in flight may have been asked before the change: it is read again after.
      heardSince = keys.some((queryKey) => queryClient.isFetching({ queryKey }) > 0);
      await Promise.allSettled(
        keys.map((queryKey) => queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false })),
      );
      reading = false;
      if (heardSince && !stopped) refresh();
    };
    const refresh = () => {
      if (reading) {
        heardSince = true;
        return;
      }
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void read();
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
      stopped = true;
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
