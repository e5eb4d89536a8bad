"use client";

// A config: what the list says of it (labels, dates, the services mounting it) and, for those
// who may read configs' data (config.data.read), its data. Secrets have no such view: their
// data is never given back.
import { useQuery } from "@tanstack/react-query";
import { useViewer } from "../auth/viewer-context";
import { holdsOn } from "../containers/holds-on";
import { useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { formatDateTime } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import type { SwarmObjectRow } from "./columns";

const DATA_PERMISSION = "config.data.read";

function ConfigData({ config }: { config: SwarmObjectRow }) {
  const trpc = useTRPC();
  const data = useQuery(trpc.configs.get.queryOptions({ environmentId: config.environmentId, name: config.name }));
  if (data.isPending) return <Loading label="Loading the config…" />;
  if (data.isError) return <QueryError error={data.error} what="the config" onRetry={() => void data.refetch()} />;
  if (data.data.text === null) {
    return (
      <p className="text-sm">
        Binary data, {data.data.bytes} bytes (base64 below).
        <span className="mt-2 block max-h-60 overflow-auto font-mono text-xs break-all">{data.data.base64}</span>
      </p>
    );
  }
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between text-xs text-subtle">
        <span>{data.data.bytes} bytes</span>
        <CopyButton text={data.data.text} />
      </div>
      <pre
        className="max-h-96 overflow-auto rounded-md border border-border bg-canvas p-3 font-mono text-xs"
        aria-label={`Content of ${config.name}`}
      >
        {data.data.text}
      </pre>
    </div>
  );
}

export function ConfigDialog({ config, onClose }: { config: SwarmObjectRow; onClose: () => void }) {
  const viewer = useViewer();
  const mayReadData = holdsOn(viewer, DATA_PERMISSION, config.environmentId);
  const labels = Object.entries(config.labels).filter(([k]) => k !== "com.docker.stack.namespace");
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Config ${config.name}`}
      wide
      description={
        config.usedBy.length
          ? `Mounted by ${config.usedBy.map((u) => `${u.service}${u.target ? ` at ${u.target}` : ""}`).join(", ")}.`
          : "No service uses it."
      }
    >
      <div className="space-y-3">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-subtle">Created</dt>
          <dd>{formatDateTime(config.createdAt)}</dd>
          <dt className="text-subtle">Updated</dt>
          <dd>{formatDateTime(config.updatedAt)}</dd>
          {labels.length ? (
            <>
              <dt className="text-subtle">Labels</dt>
              <dd className="flex flex-wrap gap-1">
                {labels.map(([k, v]) => (
                  <Badge key={k}>
                    {k}={v}
                  </Badge>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
        {mayReadData ? (
          <ConfigData config={config} />
        ) : (
          <p className="rounded-md border border-border p-3 text-sm text-muted" role="note">
            Its data is not shown: reading a config&apos;s data needs the {DATA_PERMISSION} permission on this swarm
            (it may carry settings not meant for every reader).
          </p>
        )}
      </div>
    </Dialog>
  );
}
