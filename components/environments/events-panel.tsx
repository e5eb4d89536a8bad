"use client";

// An environment's engine events as they happen (the recent ones first), newest on top, by
// name; filtered by kind and by words in the name, action or details.
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import type { FeedEvent } from "@/server/modules/events/contract";
import { LiveStatus } from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { Panel } from "../ui/panel";

const KEEP = 500;
const KINDS = ["container", "image", "volume", "network", "service", "node", "secret", "config", "daemon"] as const;

export function EventsPanel({ environmentId }: { environmentId: string }) {
  const trpc = useTRPC();
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [kind, setKind] = useState("");
  const [text, setText] = useState("");
  const live = useSubscription(
    trpc.events.live.subscriptionOptions(
      { environmentId },
      { onData: ({ data }) => setEvents((old) => [data, ...old].slice(0, KEEP)) },
    ),
  );
  const shown = useMemo(() => {
    const words = text.trim().toLowerCase();
    return events.filter(
      (e) =>
        (!kind || e.type === kind) &&
        (!words ||
          [e.name, e.action, ...Object.values(e.details)].some((value) => value.toLowerCase().includes(words))),
    );
  }, [events, kind, text]);
  return (
    <Panel
      title="Events"
      description="What the engine reports as it happens: containers, images, volumes, networks and more."
      actions={<LiveStatus status={live.status} />}
    >
      <div className="space-y-3">
        <div className="flex flex-wrap gap-3">
          <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Every kind</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </SelectField>
          <TextField label="Search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        {live.status === "error" ? (
          <div className="space-y-2">
            <Alert title="The events feed stopped">{errorMessage(live.error)}</Alert>
            <Button size="sm" onClick={() => live.reset()}>
              Try again
            </Button>
          </div>
        ) : null}
        {shown.length ? (
          <ol className="max-h-[28rem] divide-y divide-border overflow-y-auto text-sm" data-testid="events-feed">
            {shown.map((e) => (
              <li key={e.seq} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
                <time className="text-xs text-subtle tabular-nums" dateTime={new Date(e.time).toISOString()}>
                  {formatDateTime(new Date(e.time))}
                </time>
                <Badge>{e.type}</Badge>
                <span className="font-medium">{e.action}</span>
                <span className="break-all font-mono text-xs" title={e.id ?? undefined}>
                  {e.name}
                </span>
                {Object.entries(e.details).map(([key, value]) => (
                  <span key={key} className="text-xs text-subtle">
                    {key}: {value}
                  </span>
                ))}
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm text-subtle" data-testid="events-empty">
            {events.length ? "No event matches the filters." : "No event yet: they show here as they happen."}
          </p>
        )}
      </div>
    </Panel>
  );
}
