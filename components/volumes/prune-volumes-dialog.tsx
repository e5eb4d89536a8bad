"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField } from "../ui/field";
import { Loading } from "../ui/loading";

/** Prune, after reading what goes: the engine's own rule, previewed from its disk usage. */
export function PruneVolumesDialog({
  environments,
  onClose,
  onPruned,
}: {
  environments: { id: string; name: string }[];
  onClose: () => void;
  onPruned: (result: { count: number; environmentName: string; cli: string }) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [all, setAll] = useState(false);
  const preview = useQuery({
    ...trpc.volumes.prunePreview.queryOptions({ environmentId, all }),
    enabled: Boolean(environmentId),
  });
  const prune = useMutation({
    mutationFn: () => client.volumes.prune.mutate({ environmentId, all }),
    onSuccess: (result) =>
      onPruned({
        count: result.deleted.length,
        environmentName: environments.find((e) => e.id === environmentId)?.name ?? environmentId,
        cli: result.cli,
      }),
  });
  const going = preview.data?.volumes ?? [];
  return (
    <Dialog open onClose={onClose} title="Prune volumes">
      <div className="space-y-3 text-sm">
        <SelectField label="Environment" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Named volumes too, not only anonymous ones
        </label>
        {preview.isPending ? <Loading label="Reading what would go…" /> : null}
        {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
        {preview.data ? (
          going.length ? (
            <div data-testid="prune-preview">
              <p>
                {going.length} unused volume{going.length === 1 ? "" : "s"} go, with every file in them
                {preview.data.bytes ? ` (${(preview.data.bytes / 1024 / 1024).toFixed(1)} MiB)` : ""}:
              </p>
              <ul className="mt-1 max-h-40 list-disc overflow-y-auto pl-5 font-mono text-xs">
                {going.map((v) => (
                  <li key={v.name}>{v.name}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p data-testid="prune-preview">No unused volume would go.</p>
          )
        ) : null}
        {prune.error ? <Alert>{errorMessage(prune.error)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" pending={prune.isPending} disabled={!going.length} onClick={() => prune.mutate()}>
            Prune {going.length} volume{going.length === 1 ? "" : "s"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
