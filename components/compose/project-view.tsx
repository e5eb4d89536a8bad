"use client";

// One compose project: its containers as the engine has them now, and the whole-project actions
// the viewer may take there (start, stop, restart: container.lifecycle; remove: container.delete,
// its networks too with network.delete), each answering with the docker compose line.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Play, RotateCw, Square, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { ContainerStateBadge } from "../containers/state-badge";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Loading } from "../ui/loading";
import { Panel } from "../ui/panel";
import { QueryError } from "../ui/query-error";
import { Table, Td, Th } from "../ui/table";
import { ProjectStateBadge } from "./project-state-badge";

const POLL_MS = 3_000;
type Verb = "start" | "stop" | "restart";
const DONE: Record<Verb, string> = { start: "Started", stop: "Stopped", restart: "Restarted" };

export function ComposeProjectView({ environmentId, project }: { environmentId: string; project: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const router = useRouter();
  const queryClient = useQueryClient();
  const target = { environmentId, project };
  const detail = useQuery({ ...trpc.composeProjects.get.queryOptions(target), refetchInterval: POLL_MS, staleTime: 0 });
  const [result, setResult] = useState<{ text: string; cli: string } | null>(null);
  const [removing, setRemoving] = useState(false);
  const mayDeleteNetworks = holdsOn(viewer, "network.delete", environmentId);
  const [withNetworks, setWithNetworks] = useState(mayDeleteNetworks);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.composeProjects.get.queryKey(target) });
    await queryClient.invalidateQueries({ queryKey: trpc.composeProjects.list.queryKey() });
  };
  const options = { onSuccess: () => void refresh() };
  const start = useMutation(trpc.composeProjects.start.mutationOptions(options));
  const stop = useMutation(trpc.composeProjects.stop.mutationOptions(options));
  const restart = useMutation(trpc.composeProjects.restart.mutationOptions(options));
  const remove = useMutation(
    trpc.composeProjects.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(false);
        await queryClient.invalidateQueries({ queryKey: trpc.composeProjects.list.queryKey() });
        router.push("/projects");
      },
    }),
  );
  const verbs = { start, stop, restart };
  const failed = [start, stop, restart].find((m) => m.isError);
  const busy = [start, stop, restart, remove].some((m) => m.isPending);
  const mayLifecycle = holdsOn(viewer, "container.lifecycle", environmentId);
  const mayRemove = holdsOn(viewer, "container.delete", environmentId);

  const act = (verb: Verb) => {
    setResult(null);
    for (const m of Object.values(verbs)) m.reset();
    verbs[verb].mutate(target, {
      onSuccess: (answer) => setResult({ text: `${DONE[verb]} ${project}.`, cli: answer.cli }),
    });
  };

  if (detail.isPending) return <Loading label={`Loading compose project ${project}…`} />;
  if (detail.isError)
    return (
      <QueryError error={detail.error} what={`compose project ${project}`} onRetry={() => void detail.refetch()} />
    );
  const p = detail.data;
  return (
    <>
      <PageHeader
        title={`Compose project ${p.name}`}
        description={`On ${p.environmentName} · ${p.running}/${p.total} containers running${p.workingDir ? ` · from ${p.workingDir}` : ""}`}
      >
        <div className="flex flex-wrap items-center gap-2">
          <ProjectStateBadge state={p.state} />
          {mayLifecycle ? (
            <>
              <Button onClick={() => act("start")} pending={start.isPending} disabled={busy || p.state === "running"}>
                <Play aria-hidden className="size-4" />
                Start
              </Button>
              <Button onClick={() => act("stop")} pending={stop.isPending} disabled={busy || p.state === "stopped"}>
                <Square aria-hidden className="size-4" />
                Stop
              </Button>
              <Button onClick={() => act("restart")} pending={restart.isPending} disabled={busy}>
                <RotateCw aria-hidden className="size-4" />
                Restart
              </Button>
            </>
          ) : null}
          {mayRemove ? (
            <Button variant="outline-danger" onClick={() => setRemoving(true)} disabled={busy}>
              <Trash2 aria-hidden className="size-4" />
              Remove
            </Button>
          ) : null}
        </div>
      </PageHeader>
      <div className="space-y-6">
        {result ? <CliResult text={result.text} cli={result.cli} onDismiss={() => setResult(null)} /> : null}
        {failed ? <Alert title="The action did not complete">{errorMessage(failed.error)}</Alert> : null}
        <Panel title="Containers" description={`Services: ${p.services.join(", ") || "—"}`}>
          <Table label="Containers">
            <thead>
              <tr>
                <Th>Container</Th>
                <Th>Service</Th>
                <Th>Image</Th>
                <Th>State</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody>
              {p.containers.map((c) => (
                <tr key={c.id}>
                  <Td>
                    <Link
                      className="font-medium text-primary-fg hover:underline"
                      href={`/containers/${encodeURIComponent(environmentId)}/${encodeURIComponent(c.id)}`}
                    >
                      {c.name}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">{c.service}</Td>
                  <Td className="font-mono text-xs">{c.image}</Td>
                  <Td>
                    <ContainerStateBadge state={c.state} />
                  </Td>
                  <Td className="text-xs text-muted">{c.status}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Panel>
        <Panel title="Networks" description="Made by compose for this project.">
          {p.networks.length ? (
            <ul className="flex flex-wrap gap-2 font-mono text-xs">
              {p.networks.map((n) => (
                <li key={n} className="rounded bg-hover px-2 py-1">
                  {n}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted">None.</p>
          )}
        </Panel>
      </div>
      <ConfirmDialog
        open={removing}
        onClose={() => {
          setRemoving(false);
          remove.reset();
        }}
        title={`Remove compose project ${p.name}?`}
        confirmLabel="Remove project"
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onConfirm={() => remove.mutate({ ...target, networks: withNetworks && p.networks.length > 0 })}
      >
        <p>
          Stops and removes its {p.total} container{p.total === 1 ? "" : "s"} on {p.environmentName}. Named volumes are
          kept.
        </p>
        {p.networks.length ? (
          <label className="mt-3 flex items-center gap-2">
            <input
              type="checkbox"
              checked={withNetworks}
              disabled={!mayDeleteNetworks}
              onChange={(e) => setWithNetworks(e.target.checked)}
            />
            Also remove its networks ({p.networks.join(", ")})
            {mayDeleteNetworks ? null : <span className="text-xs text-muted">(needs network.delete)</span>}
          </label>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
