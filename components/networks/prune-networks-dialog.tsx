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

export function PruneNetworksDialog({
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
  const preview = useQuery({
    ...trpc.networks.prunePreview.queryOptions({ environmentId }),
    enabled: Boolean(environmentId),
  });
  const prune = useMutation({
    mutationFn: () => client.networks.prune.mutate({ environmentId }),
    onSuccess: (result) =>
      onPruned({
        count: result.deleted.length,
        environmentName: environments.find((e) => e.id === environmentId)?.name ?? environmentId,
        cli: result.cli,
      }),
  });
  const going = preview.data?.networks ?? [];
  return (
    <Dialog open onClose={onClose} title="Prune networks">
      <div className="space-y-3 text-sm">
        <SelectField label="Environment" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
        {preview.isPending ? <Loading label="Reading what would go…" /> : null}
        {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
        {preview.data ? (
          going.length ? (
            <div data-testid="prune-preview">
              <p>
                {going.length} unused network{going.length === 1 ? "" : "s"} go:
              </p>
              <ul className="mt-1 max-h-40 list-disc overflow-y-auto pl-5 font-mono text-xs">
                {going.map((n) => (
                  <li key={n.id}>
                    {n.name} ({n.driver}, {n.scope})
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p data-testid="prune-preview">No unused network would go.</p>
          )
        ) : null}
        {prune.error ? <Alert>{errorMessage(prune.error)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" pending={prune.isPending} disabled={!going.length} onClick={() => prune.mutate()}>
            Prune {going.length} network{going.length === 1 ? "" : "s"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
