"use client";

// docker system prune on one environment, after reading what goes kind by kind and the
// command line that does the same.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatSize } from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { CheckboxField, TextField } from "../ui/field";
import { Loading } from "../ui/loading";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function SystemPruneDialog({
  environmentId,
  environmentName,
  mayPruneVolumes,
  onClose,
  onPruned,
}: {
  environmentId: string;
  environmentName: string;
  /** Pruning volumes too needs volume.delete there: the option is offered only with it. */
  mayPruneVolumes: boolean;
  onClose: () => void;
  onPruned: (result: { text: string; cli: string }) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [allImages, setAllImages] = useState(false);
  const [volumes, setVolumes] = useState(false);
  const [labelText, setLabelText] = useState("");
  const labels = labelText
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  const options = { environmentId, allImages, volumes, labels };
  const preview = useQuery({ ...trpc.disk.prunePreview.queryOptions(options), staleTime: 0 });
  const prune = useMutation({
    mutationFn: () => client.disk.prune.mutate(options),
    onSuccess: (result) =>
      onPruned({
        text: `System prune on ${environmentName}: ${plural(result.containers, "container")}, ${plural(result.networks, "network")}, ${plural(result.images, "image")}, ${plural(result.volumes, "volume")} and ${plural(result.buildCache, "build cache entry", "build cache entries")} removed, ${formatSize(result.bytesFreed)} freed.`,
        cli: result.cli,
      }),
  });
  const going = preview.data;
  const total = going
    ? going.containers.length +
      going.networks.length +
      going.images.length +
      going.volumes.length +
      (going.buildCache?.count ?? 0)
    : 0;
  return (
    <Dialog open onClose={onClose} title={`System prune on ${environmentName}`}>
      <div className="space-y-3 text-sm">
        <CheckboxField
          label="Every unused image, not only dangling ones"
          description="-a: tagged images no container uses go too."
          checked={allImages}
          onChange={(e) => setAllImages(e.target.checked)}
        />
        {mayPruneVolumes ? (
          <CheckboxField
            label="Unused anonymous volumes too"
            description="--volumes: their data goes with them."
            checked={volumes}
            onChange={(e) => setVolumes(e.target.checked)}
          />
        ) : null}
        <TextField
          label="Only with labels"
          hint="--filter label=…: key or key=value, several separated by commas; the build cache has no labels and stays."
          value={labelText}
          onChange={(e) => setLabelText(e.target.value)}
          placeholder="com.example.team=web"
        />
        {preview.isPending ? <Loading label="Reading what would go…" /> : null}
        {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
        {going ? (
          <div data-testid="system-prune-preview" className="space-y-2">
            <p>
              {total
                ? `${plural(total, "item")} go, freeing at least ${formatSize(going.bytesAtLeast)}:`
                : "Nothing would go."}
            </p>
            <PreviewGroup
              title="Stopped containers"
              items={going.containers.map((c) => `${c.name} (${c.state}, ${formatSize(c.size)})`)}
            />
            <PreviewGroup title="Unused networks" items={going.networks.map((n) => n.name)} />
            <PreviewGroup
              title={allImages ? "Unused images" : "Dangling images"}
              items={going.images.map(
                (i) => `${i.tags[0] ?? i.id.replace(/^sha256:/, "").slice(0, 12)} (${formatSize(i.size)})`,
              )}
            />
            <PreviewGroup title="Volumes" items={going.volumes.map((v) => `${v.name} (${formatSize(v.size)})`)} />
            {going.buildCache && going.buildCache.count ? (
              <p>
                Build cache: {plural(going.buildCache.count, "entry", "entries")}, {formatSize(going.buildCache.bytes)}
              </p>
            ) : null}
            <p className="text-xs text-subtle">
              Same as <code className="font-mono">{going.cli}</code>
            </p>
          </div>
        ) : null}
        {prune.error ? <Alert>{errorMessage(prune.error)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            pending={prune.isPending}
            disabled={!total || preview.isFetching}
            onClick={() => prune.mutate()}
          >
            Prune {plural(total, "item")}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function PreviewGroup({ title, items }: { title: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <div>
      <p className="font-medium">
        {title} ({items.length})
      </p>
      <ul className="mt-1 max-h-32 list-disc overflow-y-auto pl-5 font-mono text-xs">
        {items.map((item, at) => (
          <li key={`${at}:${item}`}>{item}</li>
        ))}
      </ul>
    </div>
  );
}
