"use client";

// The first step of `docker service create` in the browser: name, image, mode and replicas,
// command, environment and host-mode ports. The line it will run and the policy's verdict
// for the caller are shown before anything is sent (services.check); the rest of a service's
// spec (mounts, networks, placement, limits, rollout, healthcheck...) is reachable through
// services.create in the API.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { RouterInputs } from "../api-types";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../ui/field";
import { serviceHref } from "./hrefs";

type Spec = RouterInputs["services"]["create"]["spec"];

interface Draft {
  name: string;
  image: string;
  mode: "replicated" | "global";
  replicas: string;
  command: string;
  env: string;
  ports: string;
}

const EMPTY: Draft = { name: "", image: "", mode: "replicated", replicas: "1", command: "", env: "", ports: "" };

/** What the form holds, as the API's spec; `problem` names the first line it cannot read. */
export function specOf(draft: Draft): { spec: Spec; problem?: string } {
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  const env: { name: string; value: string }[] = [];
  for (const line of lines(draft.env)) {
    const at = line.indexOf("=");
    if (at <= 0) return { spec: {} as Spec, problem: `Environment: "${line}" is not NAME=value.` };
    env.push({ name: line.slice(0, at), value: line.slice(at + 1) });
  }
  const ports: { containerPort: number; hostPort?: number; publishMode: "host"; protocol: "tcp" | "udp" }[] = [];
  for (const line of lines(draft.ports)) {
    const match = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(line);
    if (!match) return { spec: {} as Spec, problem: `Ports: "${line}" is not [published:]target[/tcp|udp].` };
    ports.push({
      containerPort: Number(match[2]),
      ...(match[1] ? { hostPort: Number(match[1]) } : {}),
      publishMode: "host",
      protocol: (match[3] ?? "tcp") as "tcp" | "udp",
    });
  }
  const command = draft.command.trim() ? draft.command.trim().split(/\s+/) : undefined;
  return {
    spec: {
      name: draft.name.trim(),
      image: draft.image.trim(),
      mode:
        draft.mode === "global" ? { kind: "global" } : { kind: "replicated", replicas: Number(draft.replicas) || 0 },
      ...(command ? { command } : {}),
      env,
      ports,
    },
  };
}

export function CreateServiceDialog({
  open,
  onClose,
  clusters,
}: {
  open: boolean;
  onClose: () => void;
  /** each cluster by the manager environment that serves it */
  clusters: { environmentId: string; label: string }[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [environmentId, setEnvironmentId] = useState(clusters[0]?.environmentId ?? "");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const { spec, problem } = specOf(draft);
  const ready = Boolean(environmentId && spec.name && spec.image && !problem);
  const check = useQuery({
    ...trpc.services.check.queryOptions({ environmentId, spec }),
    enabled: open && ready,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const create = useMutation(
    trpc.services.create.mutationOptions({
      onSuccess: (created) => {
        onClose();
        setDraft(EMPTY);
        router.push(serviceHref(environmentId, created.id));
      },
    }),
  );
  const violations = check.data?.violations ?? [];
  const problems = check.data?.problems ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) create.mutate({ environmentId, spec });
  };

  return (
    <Dialog open={open} onClose={onClose} title="Create a service">
      <form className="space-y-3" onSubmit={submit}>
        {clusters.length > 1 ? (
          <SelectField label="Swarm" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
            {clusters.map((c) => (
              <option key={c.environmentId} value={c.environmentId}>
                {c.label}
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextField label="Name" required value={draft.name} onChange={(e) => set({ name: e.target.value })} />
        <TextField
          label="Image"
          required
          value={draft.image}
          onChange={(e) => set({ image: e.target.value })}
          placeholder="nginx:1.27"
        />
        <div className="grid grid-cols-2 gap-3">
          <SelectField label="Mode" value={draft.mode} onChange={(e) => set({ mode: e.target.value as Draft["mode"] })}>
            <option value="replicated">replicated</option>
            <option value="global">global (one task per node)</option>
          </SelectField>
          {draft.mode === "replicated" ? (
            <TextField
              label="Replicas"
              type="number"
              min={0}
              max={10000}
              value={draft.replicas}
              onChange={(e) => set({ replicas: e.target.value })}
            />
          ) : null}
        </div>
        <TextField
          label="Command"
          hint="The arguments after the image, separated by spaces."
          value={draft.command}
          onChange={(e) => set({ command: e.target.value })}
        />
        <TextAreaField
          label="Environment"
          hint="One NAME=value a line."
          rows={2}
          value={draft.env}
          onChange={(e) => set({ env: e.target.value })}
        />
        <TextAreaField
          label="Ports (host mode)"
          hint="One [published:]target[/udp] a line, published on the node each task runs on."
          rows={2}
          value={draft.ports}
          onChange={(e) => set({ ports: e.target.value })}
        />
        {problem ? <Alert title="Check the form">{problem}</Alert> : null}
        {problems.map((p) => (
          <Alert key={p} title="Check the form">
            {p}
          </Alert>
        ))}
        {check.error ? <Alert title="Check the form">{errorMessage(check.error)}</Alert> : null}
        {violations.length ? (
          <Alert title="You may not create this service">
            <ul className="list-disc pl-5">
              {violations.map((v) => (
                <li key={v.field}>
                  {v.field}: {v.message} (needs {v.permission})
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {check.data ? (
          <code className="block font-mono text-xs break-all text-muted" data-testid="create-cli">
            {check.data.cli}
          </code>
        ) : null}
        {create.error ? <Alert>{errorMessage(create.error)}</Alert> : null}
        <Button
          type="submit"
          variant="primary"
          disabled={!ready || create.isPending || violations.length > 0 || problems.length > 0}
        >
          Create service
        </Button>
      </form>
    </Dialog>
  );
}
