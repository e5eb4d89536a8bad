"use client";

// Subscribes to containers.logs and feeds a LogStore. Batches land in the store as they come;
// React hears about them at most once per animation frame (`version`), so a container
// printing thousands of lines a second costs one render per frame, not one per batch.
import { useEffect, useRef, useState } from "react";
import { errorCode, errorMessage } from "../../trpc-errors";
import { useTRPCClient } from "../../trpc";
import { LogStore } from "./log-store";

export interface LogQuery {
  environmentId: string;
  /** a container's id; with `source: "service"`, a swarm service's (its tasks' lines merged) */
  containerId: string;
  source?: "container" | "service";
  follow: boolean;
  tail: number | "all";
  since?: number;
  until?: number;
  timestamps: boolean;
  /** bumped to read again after the stream ended */
  attempt?: number;
}

export type StreamPhase =
  | { phase: "connecting" }
  | { phase: "streaming" }
  /** the engine ended the stream: the container stopped, or everything asked for was sent */
  | { phase: "ended" }
  | { phase: "error"; message: string; forbidden: boolean };

export function useLogStream(query: LogQuery, enabled: boolean, capacity?: number) {
  const client = useTRPCClient();
  const [store] = useState(() => new LogStore(capacity));
  const [status, setStatus] = useState<StreamPhase>({ phase: "connecting" });
  const [version, setVersion] = useState(0);
  const frame = useRef<number | null>(null);
  const { environmentId, containerId, follow, tail, since, until, timestamps, attempt } = query;
  const source = query.source ?? "container";

  useEffect(() => {
    if (!enabled) return;
    store.clear();
    setVersion(store.version);
    setStatus({ phase: "connecting" });
    const render = () => {
      frame.current = null;
      setVersion(store.version);
    };
    const schedule = () => {
      if (frame.current === null) frame.current = requestAnimationFrame(render);
    };
    let starts = 0;
    const logs = source === "service" ? client.services.logs : client.containers.logs;
    const subscription = logs.subscribe(
      { environmentId, id: containerId, follow, tail, since, until, timestamps },
      {
        onStarted() {
          // After a dropped connection the link reconnects and the server sends the tail again.
          if (starts++ > 0) store.clear();
          setStatus({ phase: "streaming" });
          schedule();
        },
        onData(batch) {
          store.append(batch);
          schedule();
        },
        onError(error) {
          setStatus({
            phase: "error",
            message: errorMessage(error),
            forbidden: errorCode(error) === "FORBIDDEN",
          });
          schedule();
        },
        onComplete() {
          setStatus({ phase: "ended" });
          schedule();
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [client, store, enabled, source, environmentId, containerId, follow, tail, since, until, timestamps, attempt]);

  return { store, status, version };
}
