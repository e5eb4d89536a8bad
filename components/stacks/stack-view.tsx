"use client";

// One stack: its state, services and their tasks' failures, networks, volumes, secrets and
// configs, the rollout of the last deploy, the history of versions (redeploy any), the editor
// to change and redeploy it, and removal. Polled while open: a rollout shows as it goes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { holdsOn } from "../containers/holds-on";
import { useViewer } from "../auth/viewer-context";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime } from "../ui/format";
import { Loading } from "../ui/loading";
import { Panel } from "../ui/panel";
import { QueryError } from "../ui/query-error";
import { Table, Td, Th } from "../ui/table";
import { AdoptedNotice, StackAdoptPanel, type AdoptAnswer } from "./stack-adopt-panel";
import { StackDeployForm } from "./stack-deploy-form";
import { StackStateBadge } from "./stack-state-badge";
import { VersionDiffPanel } from "./version-diff-panel";

type StackPage = RouterOutputs["stacks"]["get"];
type Live = NonNullable<StackPage["live"]>;

const POLL_MS = 2_000;

export function StackView({ environmentId, name }: { environmentId: string; name: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const router = useRouter();
  const queryClient = useQueryClient();
  const target = { environmentId, name };
  const stack = useQuery({ ...trpc.stacks.get.queryOptions(target), refetchInterval: POLL_MS, staleTime: 0 });
  const [removing, setRemoving] = useState(false);
  const [adopted, setAdopted] = useState<AdoptAnswer | null>(null);
  const remove = useMutation(
    trpc.stacks.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(false);
        await queryClient.invalidateQueries({ queryKey: trpc.stacks.list.queryKey() });
        router.push("/stacks");
      },
    }),
  );
  const mayDeploy = holdsOn(viewer, "stack.deploy", environmentId);
  const mayRemove = holdsOn(viewer, "stack.delete", environmentId);
  const latest = stack.data?.versions[0]?.version;
  const version = useQuery({
    ...trpc.stacks.version.queryOptions({ ...target, version: latest ?? 1 }),
    enabled: mayDeploy && latest !== undefined,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.stacks.get.queryKey(target) });

  if (stack.isPending) return <Loading label={`Loading stack ${name}…`} />;
  if (stack.isError)
    return <QueryError error={stack.error} what={`stack ${name}`} onRetry={() => void stack.refetch()} />;
  const { live, versions, rollout } = stack.data;
  return (
    <>
      <PageHeader
        title={`Stack ${name}`}
        description={live ? `${live.running}/${live.desired} tasks running` : "Nothing of it runs now."}
      >
        <div className="flex items-center gap-2">
          {live ? <StackStateBadge state={live.state} /> : <Badge>removed</Badge>}
          {mayRemove && live ? (
            <Button variant="outline-danger" onClick={() => setRemoving(true)}>
              <Trash2 aria-hidden className="size-4" />
              Remove stack
            </Button>
          ) : null}
        </div>
      </PageHeader>
      <div className="space-y-6">
        {live?.failure ? (
          <Alert title={`Service ${live.failure.service} is failing`}>
            {live.failure.error}
            {live.failure.node ? ` (task on ${live.failure.node})` : ""}
          </Alert>
        ) : null}
        {rollout ? <RolloutPanel rollout={rollout} /> : null}
        {live ? <ServicesPanel live={live} /> : null}
        {live ? <ObjectsPanel live={live} /> : null}
        <HistoryPanel
          versions={versions}
          environmentId={environmentId}
          name={name}
          mayDeploy={mayDeploy}
          onRedeployed={refresh}
        />
        <VersionDiffPanel environmentId={environmentId} name={name} versions={versions} />
        {adopted ? <AdoptedNotice answer={adopted} onDismiss={() => setAdopted(null)} /> : null}
        {mayDeploy && live && latest === undefined ? (
          <StackAdoptPanel
            environmentId={environmentId}
            name={name}
            onAdopted={(answer) => {
              setAdopted(answer);
              refresh();
            }}
          />
        ) : null}
        {mayDeploy && latest !== undefined ? (
          <Panel
            title="Edit and redeploy"
            description="Change the file; what the deploy changes shows before you apply it."
          >
            {version.data ? (
              <StackDeployForm
                key={version.data.version}
                environmentId={environmentId}
                name={name}
                initialFile={version.data.composeFile}
                deployedFile={version.data.composeFile}
                submitLabel="Redeploy"
                onDeployed={refresh}
              />
            ) : version.isError ? (
              <QueryError error={version.error} what="the deployed file" onRetry={() => void version.refetch()} />
            ) : (
              <Loading label="Loading the deployed file…" />
            )}
          </Panel>
        ) : null}
      </div>
      <ConfirmDialog
        open={removing}
        onClose={() => setRemoving(false)}
        title={`Remove stack ${name}?`}
        confirmLabel="Remove stack"
        onConfirm={() => remove.mutate(target)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        Its services stop and are removed, with the networks, secrets and configs the stack made. External ones and
        volumes stay. The history of versions stays.
      </ConfirmDialog>
    </>
  );
}

const PHASE_TONE: Record<string, "green" | "amber" | "red" | "neutral"> = {
  converged: "green",
  completed: "green",
  starting: "amber",
  updating: "amber",
  "rolling-back": "amber",
  paused: "red",
  "rolled-back": "red",
  failing: "red",
};

function RolloutPanel({ rollout }: { rollout: NonNullable<StackPage["rollout"]> }) {
  return (
    <Panel
      title={`Rollout of version ${rollout.version}`}
      description={
        rollout.settled
          ? "Ended: each service as the rollout left it."
          : "Under way: each service until it converges, pauses or rolls back."
      }
    >
      <ul className="space-y-1 text-sm" aria-label="Rollout per service">
        {rollout.services.map((service) => (
          <li key={service.serviceId} className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{service.name}</span>
            <Badge tone={PHASE_TONE[service.phase] ?? "neutral"}>{service.phase}</Badge>
            <span className="text-muted">{service.message}</span>
          </li>
        ))}
        {rollout.services.length === 0 ? <li className="text-muted">Starting…</li> : null}
      </ul>
    </Panel>
  );
}

function ServicesPanel({ live }: { live: Live }) {
  return (
    <Panel title="Services">
      <Table label="Services">
        <thead>
          <tr>
            <Th>Service</Th>
            <Th>Image</Th>
            <Th>Mode</Th>
            <Th>State</Th>
            <Th>Ports</Th>
          </tr>
        </thead>
        <tbody>
          {live.services.map((service) => (
            <tr key={service.id}>
              <Td className="font-mono">{service.name}</Td>
              <Td className="font-mono text-xs">{service.image}</Td>
              <Td>{service.mode === "replicated" ? `${service.replicas ?? 0} replicas` : service.mode}</Td>
              <Td>
                <div className="flex flex-wrap items-center gap-2">
                  <StackStateBadge state={service.health.state} />
                  <span className="text-xs text-muted">{service.health.summary}</span>
                </div>
              </Td>
              <Td className="text-xs">
                {service.ports
                  .map((p) => `${p.published ?? ""}${p.published ? ":" : ""}${p.target}/${p.protocol}`)
                  .join(", ") || "—"}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Panel>
  );
}

function ObjectsPanel({ live }: { live: Live }) {
  const groups = [
    ["Networks", live.networks.map((n) => ({ name: n.name, external: n.external }))],
    ["Volumes", live.volumes],
    ["Secrets", live.secrets],
    ["Configs", live.configs],
  ] as const;
  return (
    <Panel title="Networks, volumes, secrets and configs">
      <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        {groups.map(([title, items]) => (
          <div key={title}>
            <dt className="font-medium">{title}</dt>
            <dd>
              {items.length === 0 ? (
                <span className="text-faint">none</span>
              ) : (
                <ul aria-label={title}>
                  {items.map((item) => (
                    <li key={item.name} className="font-mono text-xs">
                      {item.name}
                      {item.external ? <span className="ml-1 font-sans text-subtle">(external)</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}

const OUTCOME_TONE: Record<string, "green" | "amber" | "red" | "neutral"> = {
  converged: "green",
  deploying: "amber",
  failed: "red",
  error: "red",
  timeout: "red",
  adopted: "neutral",
};

function HistoryPanel({
  versions,
  environmentId,
  name,
  mayDeploy,
  onRedeployed,
}: {
  versions: StackPage["versions"];
  environmentId: string;
  name: string;
  mayDeploy: boolean;
  onRedeployed: () => void;
}) {
  const trpc = useTRPC();
  const redeploy = useMutation(trpc.stacks.redeploy.mutationOptions({ onSuccess: onRedeployed }));
  if (versions.length === 0) return null;
  return (
    <Panel title="History" description="Every deploy through Stevedore, with who and when.">
      {redeploy.isError ? (
        <div className="mb-3">
          <Alert title="Not redeployed">
            <p className="whitespace-pre-wrap">{errorMessage(redeploy.error)}</p>
          </Alert>
        </div>
      ) : null}
      <Table label="Versions">
        <thead>
          <tr>
            <Th>Version</Th>
            <Th>Deployed</Th>
            <Th>Outcome</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id}>
              <Td>
                v{v.version}
                {v.source === "redeploy" && v.fromVersion ? (
                  <span className="ml-1 text-xs text-subtle">(v{v.fromVersion} again)</span>
                ) : v.source === "adopt" ? (
                  <span className="ml-1 text-xs text-subtle">(adopted)</span>
                ) : null}
              </Td>
              <Td>
                {v.deployedBy}, {formatDateTime(v.deployedAt)}
              </Td>
              <Td>
                <Badge tone={OUTCOME_TONE[v.outcome] ?? "neutral"}>{v.outcome}</Badge>
                {v.message ? <span className="ml-2 text-xs whitespace-pre-wrap text-muted">{v.message}</span> : null}
              </Td>
              <Td>
                {mayDeploy && v.version !== versions[0]?.version ? (
                  <Button
                    size="sm"
                    pending={redeploy.isPending && redeploy.variables.version === v.version}
                    onClick={() => redeploy.mutate({ environmentId, name, version: v.version })}
                  >
                    Redeploy v{v.version}
                  </Button>
                ) : null}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Panel>
  );
}
