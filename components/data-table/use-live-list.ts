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
  type LiveChange,
  type LiveKind,
  type LiveListData,
  type PictureEvent,
} from "./live-list-model";

type ListOutput<K extends LiveKind> = RouterOutputs[K]["list"];
type Environments = RouterOutputs["environments"]["list"];
type AnyList = LiveListData<{ environmentId: string }>;

/** Events that land together (a stack coming up) are applied in one go, within a frame. */
const BATCH_MS = 16;

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

  // Connected at least once: from then on the first read is allowed, and a reconnect rereads.
  const [connected, setConnected] = useState(false);
  const list = useQuery({
    ...procedures.queryOptions(),
    enabled: kind !== null && connected,
    // The feed keeps it current; reading it again on focus or on a timer would only cost.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const environments = useQuery({
    ...trpc.environments.list.queryOptions(),
    enabled: connected,
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
        // A reconnect may have missed anything: read again what was read before.
        if (connected) resync("all").catch(() => undefined);
        else setConnected(true);
      },
      onData: (data) => {
        const change = data as LiveChange;
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
        } else {
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
