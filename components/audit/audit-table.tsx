"use client";

import { Table, Td, Th } from "../ui/table";
import { describeTarget, formatDuration, formatEventTime, type AuditEvent } from "./format";
import { OutcomeBadge } from "./outcome-badge";

export function AuditTable({
  events,
  environmentName,
  onOpen,
}: {
  events: AuditEvent[];
  environmentName: (id: string | null, recorded?: string | null) => string;
  onOpen: (event: AuditEvent) => void;
}) {
  return (
    <Table label="Audit events">
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>Environment</Th>
          <Th>Outcome</Th>
          <Th className="text-right">Duration</Th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id} className="hover:bg-row-hover">
            <Td className="whitespace-nowrap">
              <button
                type="button"
                onClick={() => onOpen(event)}
                className="text-primary-fg hover:underline"
                aria-label={`Details of ${event.action} at ${formatEventTime(event.time)}`}
              >
                {formatEventTime(event.time)}
              </button>
            </Td>
            <Td className="whitespace-nowrap">{event.actorUsername ?? <span className="text-faint">—</span>}</Td>
            <Td>
              <code className="font-mono text-xs">{event.action}</code>
            </Td>
            <Td className="max-w-64 truncate" title={describeTarget(event)}>
              {describeTarget(event)}
            </Td>
            <Td className="whitespace-nowrap">{environmentName(event.environmentId, event.environmentName)}</Td>
            <Td>
              <OutcomeBadge outcome={event.outcome} />
            </Td>
            <Td className="text-right whitespace-nowrap tabular-nums">{formatDuration(event.durationMs)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
