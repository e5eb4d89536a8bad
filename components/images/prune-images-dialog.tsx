"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { formatSize } from "../resources/list-kit";
import { PruneDialog, usePruneChoice } from "../resources/prune-dialog";
import { useTRPC, useTRPCClient } from "../trpc";
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
  const choice = usePruneChoice(environments);
  const { environmentId, all } = choice;
  const preview = useQuery({
    ...trpc.images.prunePreview.queryOptions({ environmentId, all }),
    enabled: Boolean(environmentId),
  });
  const prune = useMutation({
    mutationFn: () => client.images.prune.mutate({ environmentId, all }),
    onSuccess: (result) =>
      onPruned({
        text: `Pruned ${result.deleted.length} image layer${result.deleted.length === 1 ? "" : "s"} on ${choice.environmentName}, ${formatSize(result.bytesFreed)} freed.`,
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
    <PruneDialog
      title="Prune images"
      noun={["image", "images"]}
      environments={environments}
      choice={choice}
      allOption={{
        label: "Every unused image, not only dangling ones",
        description: "docker image prune -a: tagged images no container uses go too.",
      }}
      preview={preview}
      going={going.map((i) => ({ key: i.id, text: `${i.tags[0] ?? shortId(i.id)} (${formatSize(i.size)})` }))}
      summary={`${going.length} image${going.length === 1 ? "" : "s"} go, freeing ${bytes}:`}
      nothing={`No ${all ? "unused" : "dangling"} image would go.`}
      prune={prune}
      onClose={onClose}
    />
  );
}
