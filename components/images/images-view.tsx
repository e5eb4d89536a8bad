"use client";

import { useQuery } from "@tanstack/react-query";
import { Download, Layers, Upload } from "lucide-react";
import { useMemo, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { FilterField } from "../data-table/toolbar";
import { useLiveList } from "../data-table/use-live-list";
import {
  FleetResourceList,
  PruneAndCreate,
  useFleetResourceList,
  type FleetResourceSpec,
} from "../resources/fleet-resource-list";
import { useTRPC, useTRPCClient } from "../trpc";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { CheckboxField, controlClass } from "../ui/field";
import { imageColumns, imageKey, imageLabel, type ImageRow } from "./columns";
import { ImageDialog } from "./image-dialog";
import { ImportDialog } from "./import-dialog";
import { PruneImagesDialog } from "./prune-images-dialog";
import { PullDialog } from "./pull-dialog";
import { TransferProgress } from "./transfer-progress";
import { useTransfers } from "./use-transfers";

/** Containers are counted per image from the containers list, read again this often. */
const USERS_REFRESH_MS = 5_000;

const IMAGES: Omit<FleetResourceSpec<ImageRow, "use">, "remove" | "onAskRemove" | "confirmRemove"> = {
  title: "Images",
  noun: ["image", "images"],
  searchLabel: "tag, id or digest",
  empty: { icon: Layers, none: "None of the environments you may see has an image. Pull one to start." },
  view: {
    filters: ["env", "use"],
    sortable: ["name", "env", "size", "created", "use"],
    defaultSort: { id: "name", desc: false },
  },
  getRowId: imageKey,
  search: (row, needle) =>
    row.tags.some((t) => t.toLowerCase().includes(needle)) ||
    row.id.replace(/^sha256:/, "").startsWith(needle) ||
    row.digests.some((d) => d.toLowerCase().includes(needle)),
  columns: imageColumns,
  removePermission: "image.delete",
  removed: (row, envName) => `Removed ${imageLabel(row)} from ${envName(row.environmentId)}.`,
};

export function ImagesView() {
  const client = useTRPCClient();
  const live = useLiveList("images");
  const rows = useImageRows(live.list.data, live.environments.data);
  const [force, setForce] = useState(false);
  const list = useFleetResourceList("images", live, rows, {
    ...IMAGES,
    remove: (row) => client.images.remove.mutate({ environmentId: row.environmentId, image: row.id, force }),
    onAskRemove: () => setForce(false),
    confirmRemove: (row, envName) => ({
      title: row ? `Remove ${imageLabel(row)}?` : "",
      label: force ? "Force removal" : "Remove image",
      body: (
        <div className="space-y-3">
          <p>
            The image and its tags are deleted from{" "}
            <span className="font-medium">{row ? envName(row.environmentId) : ""}</span>; layers no other image uses go
            too. It can only come back by pulling or loading it again.
          </p>
          <CheckboxField
            label="Force"
            description="Also while containers use it (docker image rm -f): their image loses its name."
            checked={force}
            onChange={(e) => setForce(e.target.checked)}
          />
        </div>
      ),
    }),
  });
  const { transfers } = useTransfers();
  const [pulling, setPulling] = useState(false);
  const [pruning, setPruning] = useState(false);
  const [importing, setImporting] = useState(false);

  const pullable = list.environmentsWhere("image.pull");
  const prunable = list.environmentsWhere("image.delete");
  const { opened, envName } = list;
  // Running ones first, then the latest finished (the server keeps them for half an hour).
  const recent = [...transfers.values()]
    .sort((a, b) => Number(b.state === "running") - Number(a.state === "running") || b.startedAt - a.startedAt)
    .slice(0, 4);

  return (
    <FleetResourceList
      list={list}
      actions={
        <PruneAndCreate
          prune={prunable.length ? () => setPruning(true) : null}
          create={pullable.length ? { label: "Pull image", icon: Download, onClick: () => setPulling(true) } : null}
        >
          {pullable.length ? (
            <Button onClick={() => setImporting(true)}>
              <Upload aria-hidden className="size-4" />
              Load…
            </Button>
          ) : null}
        </PruneAndCreate>
      }
      filters={
        <FilterField label="Use">
          <select
            value={list.view.filters.use}
            onChange={(e) => list.setFilter("use", e.target.value)}
            className={cn(controlClass, "w-36")}
          >
            <option value="">All</option>
            <option value="in-use">In use</option>
            <option value="unused">Unused</option>
            <option value="dangling">Dangling</option>
          </select>
        </FilterField>
      }
      above={
        recent.length && !pulling ? (
          <section
            aria-label="Pulls and pushes"
            className="space-y-3 rounded-lg border border-border bg-surface p-4"
            data-testid="transfers"
          >
            {recent.map((t) => (
              <TransferProgress key={t.id} transfer={t} showLayers={false} />
            ))}
          </section>
        ) : null
      }
    >
      {opened ? (
        <ImageDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          image={opened.id}
          label={imageLabel(opened)}
          transfers={transfers}
          onClose={list.close}
          onDone={(result) => {
            list.setDone(result);
            list.refresh();
          }}
        />
      ) : null}
      {pulling ? (
        <PullDialog
          environments={pullable.map((e) => ({ id: e.id, name: e.name, group: e.group ?? null }))}
          transfers={transfers}
          onClose={() => setPulling(false)}
          onPulled={list.refresh}
        />
      ) : null}
      {pruning ? (
        <PruneImagesDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            list.setDone(result);
            list.refresh();
          }}
        />
      ) : null}
      {importing ? (
        <ImportDialog
          environments={pullable}
          onClose={() => setImporting(false)}
          onImported={(result) => {
            setImporting(false);
            list.setDone(result);
            list.refresh();
          }}
        />
      ) : null}
    </FleetResourceList>
  );
}

type ImageList = ReturnType<typeof useLiveList<"images">>["list"]["data"];
type Environments = ReturnType<typeof useLiveList<"images">>["environments"]["data"];

/** The images with how many containers each makes, per environment (the engine's image list does not say). */
function useImageRows(list: ImageList, environments: Environments): ImageRow[] | undefined {
  const trpc = useTRPC();
  const viewer = useViewer();
  const containers = useQuery({
    ...trpc.containers.list.queryOptions(),
    enabled: holdsSomewhere(viewer, "container.read"),
    refetchInterval: USERS_REFRESH_MS,
  });
  return useMemo<ImageRow[] | undefined>(() => {
    const items = list?.items;
    if (!items) return undefined;
    const counted = new Map<string, number>();
    const answered = new Set<string>();
    for (const c of containers.data?.items ?? []) {
      const key = `${c.environmentId}/${c.imageId}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
    for (const env of environments ?? []) {
      if (containers.data && !containers.data.errors.some((e) => e.environmentId === env.id)) answered.add(env.id);
    }
    return items.map((image) => ({
      ...image,
      usedBy: answered.has(image.environmentId) ? (counted.get(`${image.environmentId}/${image.id}`) ?? 0) : null,
    }));
  }, [list, containers.data, environments]);
}
