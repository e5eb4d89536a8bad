"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, Layers, Upload } from "lucide-react";
import { useMemo, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { DataTable } from "../data-table/data-table";
import { TableStates } from "../data-table/table-states";
import { FilterField, SearchBox, Toolbar } from "../data-table/toolbar";
import { useDataTable } from "../data-table/use-data-table";
import { useLiveList } from "../data-table/use-live-list";
import { useUrlView } from "../data-table/use-url-view";
import { isFiltered, withoutFilters, type ViewSpec } from "../data-table/url-view";
import { PageHeader } from "../page-header";
import {
  EnvironmentErrors,
  EnvironmentFilter,
  LiveStatus,
  useEnvironmentNames,
  useStable,
} from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { CheckboxField, controlClass } from "../ui/field";
import { imageColumns, imageKey, imageLabel, type ImageRow, type ImageRowActions } from "./columns";
import { ImageDialog } from "./image-dialog";
import { ImportDialog } from "./import-dialog";
import { PruneImagesDialog } from "./prune-images-dialog";
import { PullDialog } from "./pull-dialog";
import { TransferProgress } from "./transfer-progress";
import { useTransfers } from "./use-transfers";

const IMAGES_VIEW: ViewSpec<"env" | "use"> = {
  filters: ["env", "use"],
  sortable: ["name", "env", "size", "created", "use"],
  defaultSort: { id: "name", desc: false },
};
const NOUN = ["image", "images"] as const;
/** Containers are counted per image from the containers list, read again this often. */
const USERS_REFRESH_MS = 5_000;

const matches = (row: ImageRow, needle: string) =>
  row.tags.some((t) => t.toLowerCase().includes(needle)) ||
  row.id.replace(/^sha256:/, "").startsWith(needle) ||
  row.digests.some((d) => d.toLowerCase().includes(needle));

export function ImagesView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const { list, environments, liveStatus } = useLiveList("images");
  const { view, setView, setFilter } = useUrlView(IMAGES_VIEW);
  const envName = useEnvironmentNames(environments.data);
  const { transfers } = useTransfers();

  // How many containers each image makes, per environment (the engine's image list does not say).
  const containers = useQuery({
    ...trpc.containers.list.queryOptions(),
    enabled: holdsSomewhere(viewer, "container.read"),
    refetchInterval: USERS_REFRESH_MS,
  });
  const rows = useMemo<ImageRow[] | undefined>(() => {
    const items = list.data?.items;
    if (!items) return undefined;
    const counted = new Map<string, number>();
    const answered = new Set<string>();
    for (const c of containers.data?.items ?? []) {
      const key = `${c.environmentId}/${c.imageId}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
    for (const env of environments.data ?? []) {
      if (containers.data && !containers.data.errors.some((e) => e.environmentId === env.id)) answered.add(env.id);
    }
    return items.map((image) => ({
      ...image,
      usedBy: answered.has(image.environmentId) ? (counted.get(`${image.environmentId}/${image.id}`) ?? 0) : null,
    }));
  }, [list.data, containers.data, environments.data]);

  const [opened, setOpened] = useState<ImageRow | null>(null);
  const [removing, setRemoving] = useState<ImageRow | null>(null);
  const [force, setForce] = useState(false);
  const [pulling, setPulling] = useState(false);
  const [pruning, setPruning] = useState(false);
  const [importing, setImporting] = useState(false);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);

  const open = useStable((row: ImageRow) => setOpened(row));
  const askRemove = useStable((row: ImageRow) => {
    setForce(false);
    setRemoving(row);
  });
  const mayRemove = useStable((row: ImageRow) => holdsOn(viewer, "image.delete", row.environmentId));
  const actions = useMemo<ImageRowActions>(
    () => ({ open, remove: askRemove, mayRemove }),
    [open, askRemove, mayRemove],
  );
  const columns = useMemo(() => imageColumns(envName, actions), [envName, actions]);

  const model = useDataTable({
    data: rows,
    columns,
    getRowId: imageKey,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matches,
  });

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.images.list.queryKey() });
  const remove = useMutation({
    mutationFn: (row: ImageRow) =>
      client.images.remove.mutate({ environmentId: row.environmentId, image: row.id, force }),
    onSuccess: (result, row) => {
      setRemoving(null);
      setDone({ text: `Removed ${imageLabel(row)} from ${envName(row.environmentId)}.`, cli: result.cli });
      refresh();
    },
  });

  const envs = environments.data ?? [];
  const pullable = envs.filter((e) => holdsOn(viewer, "image.pull", e.id));
  const prunable = envs.filter((e) => holdsOn(viewer, "image.delete", e.id));
  const clearFilters = () => setView((old) => withoutFilters(old));
  const errors = list.data?.errors ?? [];
  // Running ones first, then the latest finished (the server keeps them for half an hour).
  const recent = [...transfers.values()]
    .sort((a, b) => Number(b.state === "running") - Number(a.state === "running") || b.startedAt - a.startedAt)
    .slice(0, 4);

  return (
    <>
      <PageHeader title="Images" description="Images across every environment you may see.">
        <LiveStatus status={liveStatus} />
        {prunable.length ? <Button onClick={() => setPruning(true)}>Prune…</Button> : null}
        {pullable.length ? (
          <Button onClick={() => setImporting(true)}>
            <Upload aria-hidden className="size-4" />
            Load…
          </Button>
        ) : null}
        {pullable.length ? (
          <Button variant="primary" onClick={() => setPulling(true)}>
            <Download aria-hidden className="size-4" />
            Pull image
          </Button>
        ) : null}
      </PageHeader>

      <Toolbar>
        <SearchBox
          label="Search by tag, id or digest"
          placeholder="Search tag, id or digest"
          value={view.q}
          onChange={(q) => setView({ q })}
        />
        <EnvironmentFilter environments={envs} value={view.filters.env} onChange={(id) => setFilter("env", id)} />
        <FilterField label="Use">
          <select
            value={view.filters.use}
            onChange={(e) => setFilter("use", e.target.value)}
            className={cn(controlClass, "w-36")}
          >
            <option value="">All</option>
            <option value="in-use">In use</option>
            <option value="unused">Unused</option>
            <option value="dangling">Dangling</option>
          </select>
        </FilterField>
        {isFiltered(view) ? (
          <Button variant="quiet" size="sm" onClick={clearFilters}>
            Clear filters
          </Button>
        ) : null}
      </Toolbar>

      <div className="space-y-3">
        <EnvironmentErrors errors={errors} envName={envName} />
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {recent.length && !pulling ? (
          <section
            aria-label="Pulls and pushes"
            className="space-y-3 rounded-lg border border-border bg-surface p-4"
            data-testid="transfers"
          >
            {recent.map((t) => (
              <TransferProgress key={t.id} transfer={t} showLayers={false} />
            ))}
          </section>
        ) : null}
        <TableStates
          query={list}
          what="the images"
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: Layers,
            title: "No images",
            body:
              envs.length === 0
                ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
                : "None of the environments you may see has an image. Pull one to start.",
          }}
          onClearFilters={clearFilters}
        >
          <DataTable model={model} label="Images" noun={NOUN} />
        </TableStates>
      </div>

      {opened ? (
        <ImageDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          image={opened.id}
          label={imageLabel(opened)}
          transfers={transfers}
          onClose={() => setOpened(null)}
          onDone={(result) => {
            setDone(result);
            refresh();
          }}
        />
      ) : null}
      {pulling ? (
        <PullDialog
          environments={pullable.map((e) => ({ id: e.id, name: e.name, group: e.group ?? null }))}
          transfers={transfers}
          onClose={() => setPulling(false)}
          onPulled={refresh}
        />
      ) : null}
      {pruning ? (
        <PruneImagesDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            setDone(result);
            refresh();
          }}
        />
      ) : null}
      {importing ? (
        <ImportDialog
          environments={pullable}
          onClose={() => setImporting(false)}
          onImported={(result) => {
            setImporting(false);
            setDone(result);
            refresh();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={removing ? `Remove ${imageLabel(removing)}?` : ""}
        confirmLabel={force ? "Force removal" : "Remove image"}
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        <div className="space-y-3">
          <p>
            The image and its tags are deleted from{" "}
            <span className="font-medium">{removing ? envName(removing.environmentId) : ""}</span>; layers no other
            image uses go too. It can only come back by pulling or loading it again.
          </p>
          <CheckboxField
            label="Force"
            description="Also while containers use it (docker image rm -f): their image loses its name."
            checked={force}
            onChange={(e) => setForce(e.target.checked)}
          />
        </div>
      </ConfirmDialog>
    </>
  );
}
