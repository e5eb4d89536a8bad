"use client";

// The secrets (or configs) of every swarm the viewer may read them on: which services use each,
// create from text or a file, rotate (a new version the services mount instead), remove
// (refused while in use, naming the services). Each change shows the docker lines that do the same.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileCog, KeyRound, Plus } from "lucide-react";
import { useMemo, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { DataTable } from "../data-table/data-table";
import { TableStates } from "../data-table/table-states";
import { SearchBox, Toolbar } from "../data-table/toolbar";
import { useDataTable } from "../data-table/use-data-table";
import { useUrlView } from "../data-table/use-url-view";
import type { ViewSpec } from "../data-table/url-view";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { objectColumns, objectKey, type ObjectRowActions, type SwarmObjectRow } from "./columns";
import { ConfigDialog } from "./config-dialog";
import { ObjectDataDialog, type ObjectKind } from "./object-data-dialog";

const NOUNS = { secret: ["secret", "secrets"], config: ["config", "configs"] } as const;
const POLL_MS = 5_000;
const OBJECTS_VIEW: ViewSpec<never> = {
  filters: [],
  sortable: ["name", "swarm", "stack", "created", "updated"],
  defaultSort: { id: "name", desc: false },
};

const matches = (row: SwarmObjectRow, needle: string) =>
  row.name.toLowerCase().includes(needle) ||
  (row.stack ?? "").toLowerCase().includes(needle) ||
  row.usedBy.some((u) => u.service.toLowerCase().includes(needle)) ||
  Object.entries(row.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));

export function SwarmObjectsView({ kind }: { kind: ObjectKind }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const router = kind === "secret" ? trpc.secrets : trpc.configs;
  const list = useQuery({ ...router.list.queryOptions(), refetchInterval: POLL_MS, staleTime: 0 });
  const write = kind === "secret" ? "secret.write" : "config.write";

  const { view, setView } = useUrlView(OBJECTS_VIEW);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<SwarmObjectRow | null>(null);
  const [removing, setRemoving] = useState<SwarmObjectRow | null>(null);
  const [opened, setOpened] = useState<SwarmObjectRow | null>(null);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);

  const rows = useMemo<SwarmObjectRow[] | undefined>(
    () =>
      list.data?.items.map((item) => ({
        ...item,
        swarm: list.data.clusters.find((c) => c.clusterId === item.clusterId)?.name ?? item.clusterId.slice(0, 12),
      })),
    [list.data],
  );
  const actions = useMemo<ObjectRowActions>(
    () => ({
      ...(kind === "config" ? { open: setOpened } : {}),
      rotate: setRotating,
      remove: setRemoving,
      mayWrite: (row) => holdsOn(viewer, write, row.environmentId),
    }),
    [kind, viewer, write],
  );
  const columns = useMemo(() => objectColumns(actions), [actions]);
  const model = useDataTable({
    data: rows,
    columns,
    getRowId: objectKey,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matches,
  });

  const refresh = () => void queryClient.invalidateQueries({ queryKey: router.list.queryKey() });
  const remove = useMutation({
    mutationFn: (row: SwarmObjectRow) =>
      kind === "secret"
        ? client.secrets.remove.mutate({ environmentId: row.environmentId, name: row.name })
        : client.configs.remove.mutate({ environmentId: row.environmentId, name: row.name }),
    onSuccess: (result, row) => {
      setRemoving(null);
      setDone({ text: `Removed ${kind} ${row.name}.`, cli: result.cli });
      refresh();
    },
  });

  const clusters = list.data?.clusters ?? [];
  const writable = clusters.filter((c) => holdsOn(viewer, write, c.environmentId));
  const Icon = kind === "secret" ? KeyRound : FileCog;
  const title = kind === "secret" ? "Secrets" : "Configs";

  return (
    <>
      <PageHeader
        title={title}
        description={
          kind === "secret"
            ? "Swarm secrets: names, labels and the services that mount them. Their data is never shown."
            : "Swarm configs: files the services mount, readable by those who may read configs."
        }
      >
        {holdsSomewhere(viewer, write) && writable.length ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            Create {kind}
          </Button>
        ) : null}
      </PageHeader>

      <Toolbar>
        <SearchBox
          label={`Search ${kind}s by name, service, stack or label`}
          placeholder="Search name, service, stack or label"
          value={view.q}
          onChange={(q) => setView({ q })}
        />
      </Toolbar>

      <div className="space-y-3">
        {list.data?.errors.map((e) => (
          <Alert key={e.clusterId} tone="warning" title="A swarm did not answer">
            {e.message}
          </Alert>
        ))}
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        <TableStates
          query={list}
          what={`the ${kind}s`}
          total={rows?.length ?? 0}
          shown={model.rows.length}
          empty={{
            icon: Icon,
            title: clusters.length ? `No ${kind}s yet` : "No swarm to show",
            body: clusters.length
              ? `Create one here, or deploy a stack that declares ${kind}s.`
              : `${title} live on swarms: add a swarm manager's endpoint as an environment (or ask for a role on one).`,
          }}
          onClearFilters={() => setView({ q: "" })}
        >
          <DataTable model={model} label={title} noun={NOUNS[kind]} />
        </TableStates>
      </div>

      {creating || rotating ? (
        <ObjectDataDialog
          kind={kind}
          swarms={writable}
          rotating={rotating}
          onClose={() => {
            setCreating(false);
            setRotating(null);
          }}
          onDone={(result) => {
            setCreating(false);
            setRotating(null);
            setDone(result);
            refresh();
          }}
        />
      ) : null}
      {opened ? <ConfigDialog config={opened} onClose={() => setOpened(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={removing ? `Remove ${removing.name}?` : ""}
        confirmLabel={`Remove ${kind}`}
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        {removing?.usedBy.length ? (
          <p>
            {removing.name} is used by {removing.usedBy.map((u) => u.service).join(", ")}: the swarm refuses to remove
            it while they do. Rotate it to replace it instead.
          </p>
        ) : (
          <p>
            {kind === "secret"
              ? "The secret is removed. Its data cannot be read back: there is no undo."
              : "The config is removed."}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
