"use client";

import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useTRPC, useTRPCClient } from "../trpc";
import { errorsAfterStatus, type LiveKind } from "./live-list-model";
import { LiveListSync, type StampedList } from "./live-list-sync";
import { LiveStatusSync } from "./live-status-sync";
import type { FirstScreen } from "@/server/modules/containers/contract";

type ListOutput<K extends LiveKind> = RouterOutputs[K]["list"];
type Environments = RouterOutputs["environments"]["list"];
type AnyList = StampedList;

/**
 * Events that land together (a stack coming up) are applied in one go: just before the next
 * frame is drawn (a timer would hold each change back for its whole length, then wait for the
 * frame as well). A hidden page draws no frames: its changes are applied on a slow timer.
 */
const HIDDEN_BATCH_MS = 1_000;

// Every list is the same procedure shape (`fleetListProcedure`): one typed view of any of them.
type ListProcedures = Pick<ReturnType<typeof useTRPC>, "containers">["containers"]["list"];
type ListCalls = Pick<ReturnType<typeof useTRPCClient>, "containers">["containers"]["list"];

export interface LiveListOptions<K extends LiveKind> {
  /**
   * A first screen to read ahead of the whole list (the list's `first` input: the top rows of
   * the page's view, as the page is first drawn), shown until the whole list is there. Read
   * once, when the page mounts.
   */
  first?: K extends "containers" ? FirstScreen : never;
  /**
   * That first screen's answer, when the page's server render read it (and drew it): shown at
   * once, and not read again. Only its first value counts.
   */
  initialFirst?: K extends "containers" ? ListOutput<"containers"> : never;
}

/**
 * A fleet-wide list kept current by the fleet's live feed (`fleet.changes`), for any kind of the
 * live picture, with the environments beside it (names, status):
 * - the environments are read at once too, and the feed's start and status messages are laid over
 *   every answer (./live-status-sync.ts, as Home does), so no status change between the two is
 *   lost;
 * - the list is read at once, beside the feed connecting (the first rows wait for neither the
 *   feed nor each other); the feed's `start` and the read's stamps tell which environments
 *   changed between the two, and only those are read again (./live-list-sync.ts);
 * - with `first`, the first screen is read before it and shown (as the query's placeholder)
 *   until the whole list comes;
 * - picture events are applied to the rows in place;
 * - a status message changes that environment's status (and its error banner) and nothing else;
 * - the list (and the environments) are read again only for what the feed says it may have
 *   missed: the environments a `resync` names, or everything when the feed reconnects.
 */
export function useLiveList<K extends LiveKind>(kind: K, options: LiveListOptions<K> = {}) {
  return useFleetFeed(kind, options.first, options.initialFirst) as {
    list: ReturnType<typeof useQuery<ListOutput<K>>>;
    environments: ReturnType<typeof useQuery<Environments>>;
    liveStatus: "idle" | "connecting" | "pending" | "error";
  };
}

/** The environments alone, with their status kept live by the same feed. */
export function useLiveEnvironments() {
  const { environments, liveStatus } = useFleetFeed(null);
  return { environments, liveStatus };
}

function useFleetFeed(kind: LiveKind | null, first?: FirstScreen, initialFirst?: AnyList) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const procedures = (kind ? trpc[kind].list : trpc.containers.list) as unknown as ListProcedures;
  const calls = (kind ? client[kind].list : client.containers.list) as unknown as ListCalls;
  const listKey: QueryKey = procedures.queryKey();
  const environmentsKey: QueryKey = trpc.environments.list.queryKey();

  // The first screen shown until the whole list is held (the query's placeholder meanwhile).
  // (A served one is shown only while no list is held: `showFirst` below, and a placeholder.)
  const [preview, setPreview] = useState<AnyList | undefined>(initialFirst);
  // The list's reads and the feed's changes, joined (one per mounted page).
  const [sync] = useState(() => {
    const sync = new LiveListSync<AnyList>(kind ?? "containers", {
      read: (environmentIds, signal) => calls.query(environmentIds ? { environmentIds } : undefined, { signal }),
      get: () => queryClient.getQueryData<AnyList>(listKey),
      update: (change) => queryClient.setQueryData<AnyList>(listKey, (old) => (old ? change(old) : old)),
      rereadAll: () => void queryClient.invalidateQueries({ queryKey: listKey }),
      ...(first
        ? {
            readFirst: (signal?: AbortSignal) => calls.query({ first }, { signal }),
            preview: (data: AnyList) => setPreview(data),
          }
        : {}),
    });
    if (preview) sync.showFirst(preview);
    return sync;
  });
  const list = useQuery({
    ...procedures.queryOptions(),
    queryFn: async ({ signal }) => {
      // The first screen first, alone: the whole list's answer would hold it back (a batch
      // answers when its last call does, and the server writes the larger answer for a while).
      await sync.readFirst(signal).catch(() => undefined);
      return (await sync.readAll(signal)) as ListOutput<"containers">;
    },
    placeholderData: preview as ListOutput<"containers"> | undefined,
    enabled: kind !== null,
    // The feed keeps it current; reading it again on focus or on a timer would only cost.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  // The environments' status as the feed says it, laid over every read of them.
  // An environment added or removed since the last read (the feed and the read disagree on which
  // there are) reads them again, after the update that found it.
  const [statuses] = useState(
    () =>
      new LiveStatusSync(() => queueMicrotask(() => void queryClient.invalidateQueries({ queryKey: environmentsKey }))),
  );
  const environments = useQuery({
    ...trpc.environments.list.queryOptions(),
    queryFn: async ({ signal }) => statuses.settle(await client.environments.list.query(undefined, { signal })),
    staleTime: Infinity,
    // Held from an earlier page (whose feed has gone): read at once, beside this page's feed.
    refetchOnMount: "always",
    refetchOnWindowFocus: false,
  });
  /** Starts heard: a second one is the feed back after a gap. */
  const starts = useRef(0);

  const scheduled = useRef<(() => void) | null>(null);
  useEffect(() => () => scheduled.current?.(), []);
  const flush = () => {
    scheduled.current?.();
    scheduled.current = null;
    sync.flush();
  };
  /** Applies the changes heard at the next frame (once, however many come before it). */
  const flushSoon = () => {
    if (scheduled.current) return;
    if (document.hidden) {
      const timer = setTimeout(flush, HIDDEN_BATCH_MS);
      scheduled.current = () => clearTimeout(timer);
    } else {
      const frame = requestAnimationFrame(flush);
      scheduled.current = () => cancelAnimationFrame(frame);
    }
  };

  const resync = (environmentIds: string[] | "all") => {
    if (environmentIds === "all") {
      if (kind) void queryClient.invalidateQueries({ queryKey: listKey });
      void queryClient.invalidateQueries({ queryKey: environmentsKey });
      return;
    }
    // A partial read that fails falls back to reading everything. The environments are read
    // again too: one dropped from the fleet may have been removed.
    if (kind) sync.readSome(environmentIds).catch(() => resync("all"));
    void queryClient.invalidateQueries({ queryKey: environmentsKey });
  };

  const live = useSubscription(
    trpc.fleet.changes.subscriptionOptions(kind ? { list: kind } : { statuses: true }, {
      onData: (data) => {
        const change = data;
        if (change.type === "start") {
          queryClient.setQueryData<Environments>(environmentsKey, (held) => statuses.started(change.statuses, held));
          // Back after a gap: environments may have come or gone meanwhile (their statuses are
          // laid over what is held already).
          if (starts.current++ > 0) void queryClient.invalidateQueries({ queryKey: environmentsKey });
          if (kind) sync.started(change.stamps);
        } else if (change.type === "status") {
          const { status } = change;
          queryClient.setQueryData<Environments>(environmentsKey, (held) => statuses.heardStatus(status, held));
          if (kind) {
            queryClient.setQueryData<AnyList>(listKey, (old) => {
              if (!old) return old;
              const errors = errorsAfterStatus(old.errors, status);
              return errors === old.errors ? old : { ...old, errors };
            });
          }
        } else if (change.type === "resync") {
          resync(change.environmentIds);
        } else if (change.type === "picture") {
          // ("counts" come only to pages that ask for them; a list holds the objects themselves.)
          if (!kind) return;
          sync.heard(change.events);
          flushSoon();
        }
      },
      // While the feed is away it says nothing of what changes: reads are shown as they come.
      onConnectionStateChange: (state) => {
        if (state.state !== "pending") statuses.stopped();
      },
      onError: () => statuses.stopped(),
    }),
  );

  return { list, environments, liveStatus: live.status };
}
