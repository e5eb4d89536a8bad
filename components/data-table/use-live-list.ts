"use client";

import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useTRPC, useTRPCClient } from "../trpc";
import {
  applyPictureEvents,
  errorsAfterStatus,
  mergeEnvironments,
  withStatus,
  type LiveKind,
  type LiveListData,
  type PictureEvent,
} from "./live-list-model";

type ListOutput<K extends LiveKind> = RouterOutputs[K]["list"];
type Environments = RouterOutputs["environments"]["list"];
type AnyList = LiveListData<{ environmentId: string }>;

/** Events that land together (a stack coming up) are applied in one go, within a frame. */
const BATCH_MS = 16;

/**
 * The first read waits this long at most for the feed to connect; past that the rows come
 * first, and the feed connecting reads them again (the changes in between could be missed).
 */
const FEED_WAIT_MS = 1000;

// Every list is the same procedure shape (`fleetListProcedure`): one typed view of any of them.
type ListProcedures = Pick<ReturnType<typeof useTRPC>, "containers">["containers"]["list"];
type ListCalls = Pick<ReturnType<typeof useTRPCClient>, "containers">["containers"]["list"];

/**
 * A fleet-wide list kept current by the fleet's live feed (`fleet.changes`), for any kind of the
 * live picture, with the environments beside it (names, status):
 * - picture events are applied to the rows in place;
 * - a status message changes that environment's status (and its error banner) and nothing else;
 * - the list is read again only for what the feed says it may have missed: the environments a
 *   `resync` names, or everything when the feed (re)connects.
 * The first read waits for the feed to be connected, so no change falls between the two.
 */
export function useLiveList<K extends LiveKind>(kind: K) {
  return useFleetFeed(kind) as {
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

function useFleetFeed(kind: LiveKind | null) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const procedures = (kind ? trpc[kind].list : trpc.containers.list) as unknown as ListProcedures;
  const calls = (kind ? client[kind].list : client.containers.list) as unknown as ListCalls;
  const listKey: QueryKey = procedures.queryKey();
  const environmentsKey: QueryKey = trpc.environments.list.queryKey();

  // Connected at least once: from then on a reconnect rereads. The first read waits for it (so
  // no change falls between the two), but not for long.
  const [connected, setConnected] = useState(false);
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaited(true), FEED_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);
  const list = useQuery({
    ...procedures.queryOptions(),
    enabled: kind !== null && (connected || waited),
    // The feed keeps it current; reading it again on focus or on a timer would only cost.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const environments = useQuery({
    ...trpc.environments.list.queryOptions(),
    enabled: connected || waited,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  const pending = useRef<PictureEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    const events = pending.current;
    pending.current = [];
    if (!kind || !events.length) return;
    queryClient.setQueryData<AnyList>(listKey, (old) => (old ? applyPictureEvents(old, kind, events) : old));
  };

  const resync = async (environmentIds: string[] | "all") => {
    if (environmentIds === "all") {
      await Promise.all([
        kind ? queryClient.invalidateQueries({ queryKey: listKey }) : null,
        queryClient.invalidateQueries({ queryKey: environmentsKey }),
      ]);
      return;
    }
    if (!kind || !environmentIds.length) return;
    // Picture events that arrive while the fresh read is on its way are applied over it after.
    const fresh = (await calls.query({ environmentIds })) as AnyList;
    queryClient.setQueryData<AnyList>(listKey, (old) => (old ? mergeEnvironments(old, fresh, environmentIds) : old));
  };

  const live = useSubscription(
    trpc.fleet.changes.subscriptionOptions(undefined, {
      onStarted: () => {
        // A reconnect may have missed anything, and so may a read made before the feed was
        // there: read again what was read before.
        const read = queryClient.getQueryState(kind ? listKey : environmentsKey);
        if (read && (read.dataUpdatedAt > 0 || read.fetchStatus === "fetching")) resync("all").catch(() => undefined);
        setConnected(true);
      },
      onData: (data) => {
        const change = data;
        if (change.type === "status") {
          const { status } = change;
          queryClient.setQueryData<Environments>(environmentsKey, (old) => (old ? withStatus(old, status) : old));
          if (kind) {
            queryClient.setQueryData<AnyList>(listKey, (old) => {
              if (!old) return old;
              const errors = errorsAfterStatus(old.errors, status);
              return errors === old.errors ? old : { ...old, errors };
            });
          }
        } else if (change.type === "resync") {
          // A partial read that fails falls back to reading everything.
          resync(change.environmentIds).catch(() => resync("all").catch(() => undefined));
        } else if (change.type === "picture") {
          // ("counts" come only to pages that ask for them; a list holds the objects themselves.)
          pending.current.push(...change.events);
          timer.current ??= setTimeout(flush, BATCH_MS);
        }
      },
      onError: () => {
        // Without the feed the page still shows what it can (read once, not kept live).
        setConnected(true);
      },
    }),
  );

  return { list, environments, liveStatus: live.status };
}
