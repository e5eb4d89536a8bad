"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { PruneDialog, usePruneChoice } from "../resources/prune-dialog";
import { useTRPC, useTRPCClient } from "../trpc";

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
  const choice = usePruneChoice(environments);
  const { environmentId, all } = choice;
  const preview = useQuery({
    ...trpc.volumes.prunePreview.queryOptions({ environmentId, all }),
    enabled: Boolean(environmentId),
  });
  const prune = useMutation({
    mutationFn: () => client.volumes.prune.mutate({ environmentId, all }),
    onSuccess: (result) =>
      onPruned({ count: result.deleted.length, environmentName: choice.environmentName, cli: result.cli }),
  });
  const going = preview.data?.volumes ?? [];
  return (
    <PruneDialog
      title="Prune volumes"
      noun={["volume", "volumes"]}
      environments={environments}
      choice={choice}
      allOption={{ label: "Named volumes too, not only anonymous ones" }}
      preview={preview}
      going={going.map((v) => ({ key: v.name, text: v.name }))}
      summary={
        <>
          {going.length} unused volume{going.length === 1 ? "" : "s"} go, with every file in them
          {preview.data?.bytes ? ` (${(preview.data.bytes / 1024 / 1024).toFixed(1)} MiB)` : ""}:
        </>
      }
      nothing="No unused volume would go."
      prune={prune}
      onClose={onClose}
    />
  );
}
