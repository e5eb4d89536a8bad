"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { PruneDialog, usePruneChoice } from "../resources/prune-dialog";
import { useTRPC, useTRPCClient } from "../trpc";

/** Prune the networks no container uses, after reading which. */
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
  const choice = usePruneChoice(environments);
  const { environmentId } = choice;
  const preview = useQuery({
    ...trpc.networks.prunePreview.queryOptions({ environmentId }),
    enabled: Boolean(environmentId),
  });
  const prune = useMutation({
    mutationFn: () => client.networks.prune.mutate({ environmentId }),
    onSuccess: (result) =>
      onPruned({ count: result.deleted.length, environmentName: choice.environmentName, cli: result.cli }),
  });
  const going = preview.data?.networks ?? [];
  return (
    <PruneDialog
      title="Prune networks"
      noun={["network", "networks"]}
      environments={environments}
      choice={choice}
      preview={preview}
      going={going.map((n) => ({ key: n.id, text: `${n.name} (${n.driver}, ${n.scope})` }))}
      summary={`${going.length} unused network${going.length === 1 ? "" : "s"} go:`}
      nothing="No unused network would go."
      prune={prune}
      onClose={onClose}
    />
  );
}
