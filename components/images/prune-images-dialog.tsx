"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatSize } from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { CheckboxField, SelectField } from "../ui/field";
import { Loading } from "../ui/loading";
import { shortId } from "./columns";

/** Prune dangling (or every unused) image, after reading what goes and the bytes it frees. */
export function PruneImagesDialog({
  environments,
  onClose,
  onPruned,
}: {
  environments: { id: string; name: string }[];
  onClose: () => void;
  onPruned: (result: { text: string; cli: string }) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [all, setAll] = useState(false);
  const preview = useQuery({
    ...trpc.images.prunePreview.queryOptions({ environmentId, all }),
    enabled: Boolean(environmentId),
  });
  const envName = environments.find((e) => e.id === environmentId)?.name ?? environmentId;
  const prune = useMutation({
    mutationFn: () => client.images.prune.mutate({ environmentId, all }),
    onSuccess: (result) =>
      onPruned({
        text: `Pruned ${result.deleted.length} image layer${result.deleted.length === 1 ? "" : "s"} on ${envName}, ${formatSize(result.bytesFreed)} freed.`,
        cli: result.cli,
      }),
  });
  const going = preview.data?.images ?? [];
  const bytes = preview.data
    ? preview.data.bytesAtLeast === preview.data.bytesAtMost
      ? formatSize(preview.data.bytesAtMost)
      : `${formatSize(preview.data.bytesAtLeast)} to ${formatSize(preview.data.bytesAtMost)}`
    : "";
  return (
    <Dialog open onClose={onClose} title="Prune images">
      <div className="space-y-3 text-sm">
        <SelectField label="Environment" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
        <CheckboxField
          label="Every unused image, not only dangling ones"
          description="docker image prune -a: tagged images no container uses go too."
          checked={all}
          onChange={(e) => setAll(e.target.checked)}
        />
        {preview.isPending ? <Loading label="Reading what would go…" /> : null}
        {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
        {preview.data ? (
          going.length ? (
            <div data-testid="prune-preview">
              <p>
                {going.length} image{going.length === 1 ? "" : "s"} go, freeing {bytes}:
              </p>
              <ul className="mt-1 max-h-40 list-disc overflow-y-auto pl-5 font-mono text-xs">
                {going.map((i) => (
                  <li key={i.id}>
                    {i.tags[0] ?? shortId(i.id)} ({formatSize(i.size)})
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p data-testid="prune-preview">No {all ? "unused" : "dangling"} image would go.</p>
          )
        ) : null}
        {prune.error ? <Alert>{errorMessage(prune.error)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" pending={prune.isPending} disabled={!going.length} onClick={() => prune.mutate()}>
            Prune {going.length} image{going.length === 1 ? "" : "s"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
