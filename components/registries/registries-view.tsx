"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Warehouse } from "lucide-react";
import { useMemo, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { columnHelper, type DataColumn } from "../data-table/features";
import { DataTable } from "../data-table/data-table";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatRelative } from "../ui/format";
import { NoPermission } from "../ui/no-permission";
import { BrowseRegistryDialog } from "./browse-dialog";
import { RegistryFormDialog, type Registry } from "./registry-form-dialog";

const NOUN = ["registry", "registries"] as const;
const column = columnHelper<Registry>();

interface RowActions {
  edit: (r: Registry) => void;
  test: (r: Registry) => void;
  browse: (r: Registry) => void;
  remove: (r: Registry) => void;
  testing: string | null;
}

function registryColumns(actions: RowActions): DataColumn<Registry>[] {
  return [
    column.accessor("name", {
      id: "name",
      header: "Name",
      enableHiding: false,
      sortFn: (a, b) => a.original.name.localeCompare(b.original.name),
      cell: ({ row }) => <span className="font-medium">{row.original.name}</span>,
      meta: { label: "Name", minWidth: 160, sticky: "left" },
    }),
    column.accessor("url", {
      id: "url",
      header: "Address",
      cell: ({ row }) => <span className="block truncate font-mono text-xs">{row.original.url}</span>,
      meta: { label: "Address", minWidth: 200, priority: 30 },
    }),
    column.display({
      id: "credentials",
      header: "Credentials",
      cell: ({ row }) => (
        <span className="text-muted">
          {row.original.username
            ? `${row.original.username}${row.original.hasPassword ? " (password saved)" : ""}`
            : "anonymous"}
        </span>
      ),
      meta: { label: "Credentials", width: 200, priority: 40 },
    }),
    column.display({
      id: "test",
      header: "Last test",
      cell: ({ row }) => {
        const r = row.original;
        if (!r.lastTestedAt) return <span className="text-faint">never</span>;
        return r.lastTestError ? (
          <span title={r.lastTestError}>
            <Badge tone="red">failed</Badge>{" "}
            <span className="text-xs text-muted">{formatRelative(r.lastTestedAt)}</span>
          </span>
        ) : (
          <span>
            <Badge tone="green">ok{r.authKind ? `, ${r.authKind}` : ""}</Badge>{" "}
            <span className="text-xs text-muted">{formatRelative(r.lastTestedAt)}</span>
          </span>
        );
      },
      meta: { label: "Last test", width: 190, priority: 35 },
    }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableHiding: false,
      cell: ({ row }) => {
        const r = row.original;
        return (
          <div className="flex justify-end gap-1">
            <Button
              size="sm"
              variant="quiet"
              pending={actions.testing === r.id}
              onClick={() => actions.test(r)}
              aria-label={`Test ${r.name}`}
            >
              Test
            </Button>
            <Button size="sm" variant="quiet" onClick={() => actions.browse(r)} aria-label={`Browse ${r.name}`}>
              Browse
            </Button>
            <Button size="sm" variant="quiet" onClick={() => actions.edit(r)} aria-label={`Edit ${r.name}`}>
              Edit
            </Button>
            <Button size="sm" variant="quiet-danger" onClick={() => actions.remove(r)} aria-label={`Remove ${r.name}`}>
              Remove…
            </Button>
          </div>
        );
      },
      meta: { label: "Actions", width: 280, sticky: "right", align: "end" },
    }),
  ];
}

/** Saved registries (registry.manage): add, edit, test, browse, remove. Passwords never come back. */
export function RegistriesView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const mayManage = holdsSomewhere(viewer, "registry.manage");
  const list = useQuery({ ...trpc.registries.list.queryOptions(), enabled: mayManage });
  const [editing, setEditing] = useState<Registry | "new" | null>(null);
  const [browsing, setBrowsing] = useState<Registry | null>(null);
  const [removing, setRemoving] = useState<Registry | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.registries.list.queryKey() });

  const test = useMutation({
    mutationFn: (r: Registry) => client.registries.test.mutate({ id: r.id }),
    onSuccess: (view) => setNotice({ tone: "success", text: `${view.name} answered: the credentials work.` }),
    onError: (error, r) => setNotice({ tone: "error", text: `${r.name}: ${errorMessage(error)}` }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (r: Registry) => client.registries.remove.mutate({ id: r.id }),
    onSuccess: (_result, r) => {
      setRemoving(null);
      setNotice({ tone: "success", text: `Removed ${r.name}.` });
      refresh();
    },
  });

  const testing = test.isPending ? (test.variables?.id ?? null) : null;
  const columns = useMemo(
    () =>
      registryColumns({
        edit: (r) => setEditing(r),
        test: (r) => test.mutate(r),
        browse: (r) => setBrowsing(r),
        remove: (r) => setRemoving(r),
        testing,
      }),
    // `test.mutate` is stable; only the row being tested changes the columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [testing],
  );
  const model = useDataTable({
    data: list.data,
    columns,
    getRowId: (r) => r.id,
    defaultSort: { id: "name", desc: false },
  });

  if (!mayManage) return <NoPermission permission="registry.manage" />;
  return (
    <>
      <PageHeader title="Registries" description="Saved registries whose credentials pulls and pushes may use.">
        <Button variant="primary" onClick={() => setEditing("new")}>
          <Plus aria-hidden className="size-4" />
          Add registry
        </Button>
      </PageHeader>
      <div className="space-y-3">
        {notice ? (
          <Alert tone={notice.tone} title={notice.text}>
            <Button size="sm" variant="quiet" onClick={() => setNotice(null)}>
              Dismiss
            </Button>
          </Alert>
        ) : null}
        <TableStates
          query={list}
          what="the registries"
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: Warehouse,
            title: "No saved registries",
            body: "Add one to pull from and push to it with its credentials on any environment.",
          }}
          onClearFilters={() => undefined}
        >
          <DataTable model={model} label="Registries" noun={NOUN} />
        </TableStates>
      </div>
      {editing ? (
        <RegistryFormDialog
          registry={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice({ tone: "success", text: `Saved ${saved.name}.` });
            refresh();
          }}
        />
      ) : null}
      {browsing ? (
        <BrowseRegistryDialog id={browsing.id} name={browsing.name} onClose={() => setBrowsing(null)} />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={removing ? `Remove ${removing.name}?` : ""}
        confirmLabel="Remove registry"
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        <p>Its credentials are forgotten; pulls and pushes that name it will go without them.</p>
      </ConfirmDialog>
    </>
  );
}
