"use client";

import { Download, Play } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { useTRPCClient } from "../trpc";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { downloadText } from "./download";
import { describeTarget, formatDuration, formatEventTime, type AuditEvent } from "./format";
import { OutcomeBadge } from "./outcome-badge";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-subtle">{label}</dt>
      <dd className="min-w-0 break-words">{children ?? "—"}</dd>
    </>
  );
}

/** `console-web-1-production-2026-12-06T12-30-00.cast`: named as people know the session. */
function castFileName(event: AuditEvent): string {
  const when = new Date(event.time).toISOString().slice(0, 19).replaceAll(":", "-");
  const who = [event.targetName ?? event.targetId?.slice(0, 12), event.environmentName].filter(Boolean).join("-");
  return `console-${who.replace(/[^A-Za-z0-9._-]+/g, "-")}-${when}.cast`;
}

/** A console session's recording as an asciicast v2 file (plays in asciinema). */
function RecordingDownload({ eventId, fileName }: { eventId: string; fileName: string }) {
  const client = useTRPCClient();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const fetchRecording = async () => {
    setPending(true);
    setProblem(null);
    try {
      const { cast } = await client.audit.recording.query({ id: eventId });
      downloadText(fileName, "application/x-asciicast", cast);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Link
        href={`/audit/replay/${encodeURIComponent(eventId)}`}
        className="inline-flex items-center gap-1.5 rounded-md bg-primary px-2 py-1 text-xs font-medium text-on-primary hover:bg-primary-hover focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:outline-none"
      >
        <Play aria-hidden className="size-3.5" />
        Replay
      </Link>
      <Button size="sm" pending={pending} onClick={() => void fetchRecording()}>
        <Download aria-hidden className="size-3.5" />
        Download recording (.cast)
      </Button>
      {problem ? <span className="text-xs text-danger-fg">{problem}</span> : null}
    </div>
  );
}

/** Everything the record holds about one event, with its place in the hash chain. */
export function EventDialog({
  event,
  environmentName,
  onClose,
}: {
  event: AuditEvent | null;
  environmentName: (id: string | null, recorded?: string | null) => string;
  onClose: () => void;
}) {
  // Recordings have their own permission: they may show secrets printed (or typed) in a console.
  const mayReplay = holdsEverywhere(useViewer(), "audit.recordings");
  const params = event?.params === null || event?.params === undefined ? null : JSON.stringify(event.params, null, 2);
  return (
    <Dialog open={event !== null} onClose={onClose} title={event ? event.action : "Event"} wide>
      {event ? (
        <div className="space-y-4 text-sm">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1.5">
            <Row label="Time">{formatEventTime(event.time)}</Row>
            <Row label="Outcome">
              <OutcomeBadge outcome={event.outcome} />
            </Row>
            {event.error ? (
              <Row label="Error">
                <span className="text-danger-fg">{event.error}</span>
              </Row>
            ) : null}
            <Row label="Actor">
              {event.actorUsername ?? "—"}
              {event.actorTokenId ? <span className="text-subtle"> (API token {event.actorTokenId})</span> : null}
            </Row>
            <Row label="From">{event.ip ?? "—"}</Row>
            <Row label="User agent">
              <span className="text-xs text-muted">{event.userAgent ?? "—"}</span>
            </Row>
            <Row label="Action">
              <code className="font-mono text-xs">{event.action}</code>
            </Row>
            <Row label="Permission">
              {event.permission ? <code className="font-mono text-xs">{event.permission}</code> : "—"}
            </Row>
            <Row label="Environment">{environmentName(event.environmentId, event.environmentName)}</Row>
            <Row label="Target">{describeTarget(event)}</Row>
            {event.targetId && event.targetName ? (
              <Row label="Target id">
                <code className="font-mono text-xs break-all">{event.targetId}</code>
              </Row>
            ) : null}
            <Row label="Duration">{formatDuration(event.durationMs)}</Row>
            <Row label="Chain position">
              {event.chainSeq ? `#${event.chainSeq}` : "—"}
              {event.completionSeq ? (
                <span className="text-subtle"> (outcome at #{event.completionSeq})</span>
              ) : event.outcome === "pending" ? (
                <span className="text-subtle"> (outcome not yet known)</span>
              ) : null}
            </Row>
            <Row label="Hash">
              <code className="font-mono text-xs break-all">{event.hash ?? "—"}</code>
            </Row>
            <Row label="Event id">
              <code className="font-mono text-xs break-all">{event.id}</code>
            </Row>
          </dl>
          {mayReplay && (event.action === "console.exec" || event.action === "console.attach") ? (
            <RecordingDownload key={event.id} eventId={event.id} fileName={castFileName(event)} />
          ) : null}
          <div>
            <div className="mb-1 flex items-center justify-between">
              <h3 className="font-medium">Parameters</h3>
              {params ? <CopyButton text={params} label="Copy JSON" /> : null}
            </div>
            {params ? (
              <pre
                aria-label="Parameters as JSON"
                className="max-h-72 overflow-auto rounded-md border border-border bg-canvas p-3 font-mono text-xs"
              >
                {params}
              </pre>
            ) : (
              <p className="text-subtle">None.</p>
            )}
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
