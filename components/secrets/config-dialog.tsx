"use client";

// A config's data, for those who may read configs (secrets have no such view: their data is
// never given back).
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import type { SwarmObjectRow } from "./columns";

export function ConfigDialog({ config, onClose }: { config: SwarmObjectRow; onClose: () => void }) {
  const trpc = useTRPC();
  const data = useQuery(trpc.configs.get.queryOptions({ environmentId: config.environmentId, name: config.name }));
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
      {data.isPending ? (
        <Loading label="Loading the config…" />
      ) : data.isError ? (
        <QueryError error={data.error} what="the config" onRetry={() => void data.refetch()} />
      ) : data.data.text !== null ? (
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
      ) : (
        <p className="text-sm">
          Binary data, {data.data.bytes} bytes (base64 below).
          <span className="mt-2 block max-h-60 overflow-auto font-mono text-xs break-all">{data.data.base64}</span>
        </p>
      )}
    </Dialog>
  );
}
