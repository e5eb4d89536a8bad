"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { ArrowLeft, PackageX } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { useViewer } from "../../auth/viewer-context";
import { EmptyState } from "../../empty-state";
import { errorCode, errorMessage } from "../../trpc-errors";
import { useTRPC, useTRPCClient } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Badge } from "../../ui/badge";
import { Button, ButtonLink } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { Loading } from "../../ui/loading";
import { forgetSaid, saidFor } from "../carried-result";
import { CliResult } from "../cli-result";
import { QueryError } from "../../ui/query-error";
import { ACTIONS, callContainerAction, type ActionSpec } from "../container-actions";
import { holdsOn } from "../holds-on";
import { ContainerStateBadge } from "../state-badge";
import { DetailsTabs } from "./details-tabs";
import { carryRecreated, mayRecreate, RecreateDialog, replaceHref } from "./recreate-dialog";
import { RenameDialog } from "./rename-dialog";

const healthOf = (status: string | undefined) =>
  status === "healthy" || status === "unhealthy" || status === "starting" ? status : undefined;

/** The header every details tab shares: who the container is, what can be done to it, the tabs. */
export function ContainerShell({
  environmentId,
  containerId,
  children,
}: {
  environmentId: string;
  containerId: string;
  children: ReactNode;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const router = useRouter();
  const target = { environmentId, id: containerId };
  // Kept current by the environment's live feed; the slow poll only covers a feed that is down.
  const container = useQuery({ ...trpc.containers.get.queryOptions(target), retry: false, refetchInterval: 30_000 });
  const [removed, setRemoved] = useState(false);
  const fullId = container.data?.id;
  useSubscription(
    trpc.fleet.changes.subscriptionOptions(
      { environmentIds: [environmentId] },
      {
        enabled: Boolean(fullId) && !removed,
        onData: (change) => {
          if (change.type !== "picture") return;
          for (const event of change.events) {
            if (!("kind" in event) || event.kind !== "containers" || event.id !== fullId) continue;
            if (event.type === "remove") setRemoved(true);
            else void queryClient.invalidateQueries({ queryKey: trpc.containers.get.queryKey(target) });
          }
        },
      },
    ),
  );
  const environments = useQuery(trpc.environments.list.queryOptions());
  // An environment the viewer may not see is not named by its id (the refusal below names it).
  const envName =
    environments.data?.find((e) => e.id === environmentId)?.name ??
    (environments.isPending ? "…" : "an environment you have no access to");
  const [asking, setAsking] = useState<ActionSpec | null>(null);
  // A recreate's or replacement's outcome is said on the new container's page (another id).
  const [done, setDone] = useState<{ text: string; cli: string } | null>(() => saidFor(containerId));
  useEffect(() => forgetSaid(containerId), [containerId]);

  const act = useMutation({
    mutationFn: (action: ActionSpec) => callContainerAction(client.containers, target, action),
    onSuccess: (result, action) => {
      setAsking(null);
      if (action.name === "remove") {
        router.push("/containers");
        return;
      }
      setDone({ text: `${action.done} ${container.data?.name ?? containerId.slice(0, 12)}.`, cli: result.cli });
      void queryClient.invalidateQueries({ queryKey: trpc.containers.get.queryKey(target) });
    },
  });

  const code = container.isError ? errorCode(container.error) : undefined;
  // This page's own recreate renames the container aside and removes it before the page
  // moves to the new one: that is not a removal by someone else.
  const [recreateWorking, setRecreateWorking] = useState(false);
  // Removed elsewhere (the feed said so, or the engine no longer knows it): no state, no actions.
  const gone = !recreateWorking && (removed || code === "NOT_FOUND");
  const name = container.data?.name ?? containerId.slice(0, 12);
  const state = container.data?.state.status ?? "";
  const actions =
    container.data && !gone ? ACTIONS.filter((a) => a.when(state) && holdsOn(viewer, a.permission, environmentId)) : [];
  const [renaming, setRenaming] = useState(false);
  const mayRename = Boolean(container.data) && !gone && holdsOn(viewer, "container.lifecycle", environmentId);
  const [recreating, setRecreating] = useState(false);
  const recreatable = Boolean(container.data) && !gone && mayRecreate(viewer, environmentId, state);
  const choose = (action: ActionSpec) => {
    act.reset();
    setDone(null);
    if (action.confirm) setAsking(action);
    else act.mutate(action);
  };

  return (
    <div className="space-y-4">
      <header className="space-y-2">
        <Link href="/containers" className="inline-flex items-center gap-1 text-sm text-muted hover:text-fg">
          <ArrowLeft aria-hidden className="size-4" />
          Containers
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0 space-y-1">
            <div className="flex flex-wrap items-center gap-3">
              <h1
                className="min-w-0 truncate text-2xl font-semibold tracking-tight"
                data-testid="container-name"
                title={name}
              >
                {name}
              </h1>
              {gone ? (
                <Badge tone="red">removed</Badge>
              ) : container.data ? (
                <ContainerStateBadge state={state} health={healthOf(container.data.state.health?.status)} />
              ) : null}
            </div>
            <p className="text-sm text-muted">
              on <span className="font-medium text-fg">{envName}</span>
              {container.data ? (
                <>
                  {" · "}
                  <span className="font-mono text-xs">{container.data.image}</span>
                  {" · "}
                  <span className="font-mono text-xs" title={container.data.id}>
                    {container.data.id.slice(0, 12)}
                  </span>
                </>
              ) : null}
            </p>
          </div>
          {actions.length || mayRename || recreatable ? (
            <div className="flex flex-wrap gap-2" role="group" aria-label="Container actions">
              {mayRename ? (
                <Button size="sm" onClick={() => setRenaming(true)}>
                  Rename…
                </Button>
              ) : null}
              {recreatable ? (
                <Button
                  size="sm"
                  onClick={() => {
                    act.reset();
                    setDone(null);
                    setRecreating(true);
                  }}
                >
                  Recreate…
                </Button>
              ) : null}
              {recreatable ? (
                <ButtonLink size="sm" href={replaceHref(environmentId, container.data?.id ?? containerId)}>
                  Edit and replace…
                </ButtonLink>
              ) : null}
              {actions.map((action) => (
                <Button
                  key={action.name}
                  size="sm"
                  variant={action.confirm && action.name !== "restart" ? "outline-danger" : "secondary"}
                  onClick={() => choose(action)}
                  pending={act.isPending && act.variables === action}
                >
                  {action.label}
                  {action.confirm ? "…" : ""}
                </Button>
              ))}
            </div>
          ) : null}
        </div>
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {act.error && !asking ? <Alert title="The action failed">{errorMessage(act.error)}</Alert> : null}
      </header>

      <DetailsTabs environmentId={environmentId} containerId={containerId} />

      {recreateWorking && (removed || container.isError) ? (
        <Loading label={`Recreating ${name}…`} />
      ) : gone ? (
        <EmptyState icon={PackageX} title={container.data ? "This container was removed" : "No such container"}>
          {container.data
            ? `${name} no longer exists on ${envName}: someone removed it, here or elsewhere.`
            : `${errorMessage(container.error)} It may have been removed.`}{" "}
          <Link href="/containers" className="font-medium underline">
            Back to the list
          </Link>
          .
        </EmptyState>
      ) : container.isError ? (
        <QueryError error={container.error} what="this container" onRetry={() => void container.refetch()} />
      ) : (
        children
      )}

      {renaming ? (
        <RenameDialog
          open
          onClose={() => setRenaming(false)}
          environmentId={environmentId}
          containerId={containerId}
          currentName={name}
          onRenamed={(result) => {
            setRenaming(false);
            setDone({ text: `Renamed ${name} to ${result.name}.`, cli: result.cli });
            void queryClient.invalidateQueries({ queryKey: trpc.containers.get.queryKey(target) });
          }}
        />
      ) : null}

      {recreating ? (
        <RecreateDialog
          environmentId={environmentId}
          containerId={containerId}
          name={name}
          envName={envName}
          mayPull={holdsOn(viewer, "image.pull", environmentId)}
          onClose={() => setRecreating(false)}
          onWorking={setRecreateWorking}
          onRecreated={(result) => {
            setRecreating(false);
            carryRecreated(result);
            router.replace(`/containers/${encodeURIComponent(environmentId)}/${encodeURIComponent(result.id)}`);
          }}
        />
      ) : null}

      <ConfirmDialog
        open={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? `${asking.label} ${name}?` : ""}
        confirmLabel={asking ? `${asking.label} container` : ""}
        tone={asking?.name === "restart" ? "primary" : "danger"}
        onConfirm={() => asking && act.mutate(asking)}
        pending={act.isPending}
        error={act.error ? errorMessage(act.error) : null}
      >
        <p>
          {asking?.confirm} It runs on <span className="font-medium">{envName}</span>.
        </p>
      </ConfirmDialog>
    </div>
  );
}
