"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { skipToken } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { UsageItem } from "@/server/modules/containers/inspect.router";
import { useTRPC } from "../../trpc";

export type { UsageItem };

/** The server takes at most this many containers per feed. */
export const USAGE_MAX_CONTAINERS = 100;

export const usageKey = (environmentId: string, id: string) => `${environmentId}/${id}`;

/**
 * CPU % and memory of the given containers (the list's visible, running rows), refreshed every
 * two seconds by one `containers.usage` feed. The set is debounced, so scrolling does not
 * restart the feed on every frame; figures of rows that stay visible are kept across restarts.
 * Returns a map keyed by usageKey(environmentId, id) with the ids as given.
 */
export function useContainerUsage(
  rows: readonly { environmentId: string; id: string }[],
  options: { enabled?: boolean; debounceMs?: number } = {},
): Map<string, UsageItem> {
  const trpc = useTRPC();
  const enabled = options.enabled ?? true;
  // Short ids keep the subscription's URL small (100 full ids would near the header limit).
  const wanted = useMemo(
    () =>
      rows
        .slice(0, USAGE_MAX_CONTAINERS)
        .map((r) => ({ environmentId: r.environmentId, id: r.id.slice(0, 12), full: r.id }))
        .sort((a, b) => (usageKey(a.environmentId, a.id) < usageKey(b.environmentId, b.id) ? -1 : 1)),
    [rows],
  );
  const signature = wanted.map((w) => usageKey(w.environmentId, w.id)).join(",");
  const [settled, setSettled] = useState(signature);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(signature), options.debounceMs ?? 400);
    return () => clearTimeout(timer);
  }, [signature, options.debounceMs]);

  const input = useMemo(
    () =>
      settled
        ? {
            containers: settled.split(",").map((key) => {
              const slash = key.indexOf("/");
              return { environmentId: key.slice(0, slash), id: key.slice(slash + 1) };
            }),
          }
        : null,
    [settled],
  );
  const [usage, setUsage] = useState<Map<string, UsageItem>>(() => new Map());
  const fullIds = useMemo(() => new Map(wanted.map((w) => [usageKey(w.environmentId, w.id), w.full])), [wanted]);

  useSubscription(
    trpc.containers.usage.subscriptionOptions(enabled && input ? input : skipToken, {
      onData: (tick) => {
        setUsage(() => {
          const next = new Map<string, UsageItem>();
          for (const item of tick.items) {
            const full = fullIds.get(usageKey(item.environmentId, item.id)) ?? item.id;
            next.set(usageKey(item.environmentId, full), { ...item, id: full });
          }
          return next;
        });
      },
    }),
  );
  return usage;
}
