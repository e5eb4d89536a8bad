"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "../trpc";
import type { ContainerRow } from "./container-list-model";

/**
 * The fleet-wide container list, kept current by the fleet's live feed: container upserts and
 * removes are applied in place; anything that says the picture went cold or was dropped
 * (a host reconnecting, a status change) refetches, at most once a second.
 */
export function useLiveContainers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.containers.list.queryOptions());
  const environments = useQuery({ ...trpc.environments.list.queryOptions(), refetchInterval: 15_000 });
  const listKey = trpc.containers.list.queryKey();
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );

  const refetchSoon = () => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: listKey });
      void queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
    }, 1000);
  };

  const live = useSubscription(
    trpc.fleet.changes.subscriptionOptions(undefined, {
      onData: (change) => {
        if (change.type !== "picture") {
          refetchSoon();
          return;
        }
        const upserts = new Map<string, ContainerRow>();
        const removes = new Set<string>();
        for (const event of change.events) {
          if (!("kind" in event)) {
            refetchSoon();
            continue;
          }
          if (event.kind !== "containers") continue;
          const key = `${event.environmentId}/${event.id}`;
          if (event.type === "upsert") {
            upserts.set(key, { ...event.item, environmentId: event.environmentId });
            removes.delete(key);
          } else {
            removes.add(key);
            upserts.delete(key);
          }
        }
        if (!upserts.size && !removes.size) return;
        queryClient.setQueryData(listKey, (old) => {
          if (!old) return old;
          const items = old.items.filter((row) => {
            const key = `${row.environmentId}/${row.id}`;
            return !removes.has(key) && !upserts.has(key);
          });
          return { ...old, items: [...items, ...upserts.values()] };
        });
      },
    }),
  );

  return { list, environments, liveStatus: live.status };
}
