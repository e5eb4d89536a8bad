"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Container, Copy } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { holdsSomewhere } from "../../auth/viewer";
import { useViewer } from "../../auth/viewer-context";
import { EmptyState } from "../../empty-state";
import { PageHeader } from "../../page-header";
import { errorCode, errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { CheckboxField, controlClass, SelectField, TextField } from "../../ui/field";
import { Loading } from "../../ui/loading";
import { NoPermission } from "../../ui/no-permission";
import { QueryError } from "../../ui/query-error";
import { runCli } from "@/server/containers/spec";
import { holdsOn } from "../holds-on";
import { CliPreview } from "./cli-preview";
import { emptyForm, emptyRow, formKey, fromSpec, hasAccess, toSpec, withoutAccess, type FormState } from "./form-model";
import { HostAccessSection } from "./host-access-section";
import { RowInput, Rows, Section } from "./rows";
import { ResourceLimitFields, RestartPolicyFields } from "./limit-fields";

/** A value that settles `ms` after it last changed (for the live check against the server). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- compared by content
  }, [key, ms]);
  return settled;
}

function parseFrom(from: string | undefined): { environmentId: string; containerId: string } | null {
  const match = from ? /^([^/]+)\/([^/]+)$/.exec(from) : null;
  return match ? { environmentId: match[1]!, containerId: match[2]! } : null;
}

/** /containers/new: the create form, empty or (?from=env/container) filled from an existing container. */
export function CreateContainerPage({ from }: { from?: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const source = parseFrom(from);
  const environments = useQuery(trpc.environments.list.queryOptions());
  const copy = useQuery({
    ...trpc.containers.specOf.queryOptions(
      source ? { environmentId: source.environmentId, id: source.containerId } : { environmentId: "", id: "" },
    ),
    enabled: source !== null,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  if (!holdsSomewhere(viewer, "container.create")) return <NoPermission permission="container.create" />;
  const header = (
    <PageHeader
      title={source ? "Duplicate and edit" : "Create container"}
      description={
        source && copy.data
          ? `A new container like ${copy.data.sourceName}. Change what you need; the original stays as it is.`
          : "Run a container on one of your environments."
      }
    />
  );
  if (environments.isPending || (source && copy.isPending)) {
    return (
      <>
        {header}
        <Loading label={source ? "Reading the container…" : "Loading environments…"} />
      </>
    );
  }
  if (environments.isError) {
    return (
      <>
        {header}
        <QueryError error={environments.error} what="the environments" onRetry={() => void environments.refetch()} />
      </>
    );
  }
  if (source && copy.isError) {
    return (
      <>
        {header}
        <QueryError error={copy.error} what="the container to duplicate" onRetry={() => void copy.refetch()} />
      </>
    );
  }
  const allowed = environments.data.filter((e) => holdsOn(viewer, "container.create", e.id));
  if (!allowed.length) {
    return (
      <>
        {header}
        <EmptyState icon={Container} title="No environment to create on">
          You may create containers, but on no environment you can see. Ask an administrator for a role on one.
        </EmptyState>
      </>
    );
  }
  const initialEnv =
    allowed.find((e) => e.id === source?.environmentId)?.id ?? (allowed.length === 1 ? allowed[0]!.id : "");
  const initial = copy.data ? fromSpec(copy.data.spec, initialEnv) : emptyForm(initialEnv);
  return (
    <>
      {header}
      {copy.data ? (
        <div className="mb-4 space-y-2">
          {copy.data.kept.length ? (
            <Alert tone="info" title="Some values stay on the server">
              {copy.data.kept.join(", ")} {copy.data.kept.length > 1 ? "look" : "looks"} secret. The new container gets
              the value {copy.data.sourceName} has now; you can replace it with a value of your own.
            </Alert>
          ) : null}
          {copy.data.dropped.length ? (
            <Alert tone="warning" title="Not carried over">
              <ul className="list-disc pl-5">
                {copy.data.dropped.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
        </div>
      ) : null}
      <CreateContainerForm
        key={copy.data?.sourceId ?? "new"}
        initial={initial}
        environments={allowed.map((e) => ({ id: e.id, name: e.name }))}
      />
    </>
  );
}

export function CreateContainerForm({
  initial,
  environments,
}: {
  initial: FormState;
  environments: { id: string; name: string }[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const [form, setForm] = useState<FormState>(initial);
  const [submitted, setSubmitted] = useState(false);
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const environmentId = form.environmentId;
  const mayHostAccess = environmentId !== "" && holdsOn(viewer, "container.create.privileged", environmentId);

  const options = useQuery({
    ...trpc.containers.createOptions.queryOptions({ environmentId }),
    enabled: environmentId !== "",
  });
  const conversion = useMemo(() => toSpec(form, { hostAccess: mayHostAccess }), [form, mayHostAccess]);
  const settled = useSettled(conversion.spec && environmentId ? { environmentId, spec: conversion.spec } : null, 400);
  const check = useQuery({
    ...trpc.containers.check.queryOptions(settled ?? { environmentId: "", spec: { image: "" } }),
    enabled: settled !== null,
    placeholderData: (previous) => previous,
    retry: false,
  });

  const create = useMutation(
    trpc.containers.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
        router.push(`/containers?q=${encodeURIComponent(created.name)}`);
      },
      onError: () => void check.refetch(),
    }),
  );

  // Field errors: the form's own first, then what the server's policy said of the last check.
  const serverErrors = useMemo(() => {
    const out: Record<string, string> = {};
    if (!settled || !check.data) return out;
    for (const v of check.data.violations) {
      const key = formKey(v.specField, conversion.rowsOf);
      out[key] ??= `Needs ${v.permission}: ${v.message}.`;
    }
    return out;
  }, [check.data, settled, conversion.rowsOf]);
  const err = (key: string): string | undefined => {
    // "Choose an image" waits for a first try; every other problem shows as it is typed.
    const own = key === "image" && !form.image.trim() && !submitted ? undefined : conversion.errors[key];
    return own ?? serverErrors[key];
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!environmentId || !conversion.spec) return;
    create.mutate({ environmentId, spec: conversion.spec });
  };

  const violations = check.data && settled ? check.data.violations : [];
  const pendingErrors = submitted ? Object.entries(conversion.errors) : [];
  const accessWithoutGrant = !mayHostAccess && environmentId !== "" && hasAccess(form.access);
  const images = options.data?.images ?? [];
  const listId = (what: string) => `create-${what}-options`;

  return (
    <form onSubmit={submit} noValidate className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]">
      <div className="min-w-0 space-y-5">
        <Section title="Image and name">
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label="Environment"
              value={environmentId}
              onChange={(e) => set({ environmentId: e.target.value })}
              error={submitted && !environmentId ? "Choose where the container runs." : undefined}
              hint="Only environments where you may create containers."
            >
              <option value="">Choose…</option>
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </SelectField>
            <div>
              <TextField
                label="Image"
                value={form.image}
                onChange={(e) => set({ image: e.target.value })}
                list={listId("images")}
                placeholder="e.g. nginx:1.27"
                autoComplete="off"
                spellCheck={false}
                error={err("image")}
                hint={
                  options.isError
                    ? `Could not list the images: ${errorMessage(options.error)}`
                    : environmentId
                      ? `${images.length} tagged image${images.length === 1 ? "" : "s"} on this host. Pull others first.`
                      : "Choose an environment to see its images."
                }
                required
              />
              <datalist id={listId("images")}>
                {images.map((tag) => (
                  <option key={tag} value={tag} />
                ))}
              </datalist>
            </div>
            <TextField
              label="Name"
              value={form.name}
              onChange={(e) => set({ name: e.target.value })}
              placeholder="Left empty: Docker picks one"
              autoComplete="off"
              spellCheck={false}
              error={err("name")}
            />
            <div className="self-end pb-1">
              <CheckboxField
                label="Start after create"
                description="Like docker run; off, like docker create."
                checked={form.start}
                onChange={(e) => set({ start: e.target.checked })}
              />
            </div>
          </div>
        </Section>

        <Section title="Command and user" description="Left empty, the image's own command, entrypoint and user apply.">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Command"
              value={form.command}
              onChange={(e) => set({ command: e.target.value })}
              placeholder="e.g. sleep 600"
              autoComplete="off"
              spellCheck={false}
              error={err("command")}
              hint="Words as a shell splits them; quote spaces."
            />
            <TextField
              label="Entrypoint"
              value={form.entrypoint}
              onChange={(e) => set({ entrypoint: e.target.value })}
              autoComplete="off"
              spellCheck={false}
              error={err("entrypoint")}
            />
            <TextField
              label="User"
              value={form.user}
              onChange={(e) => set({ user: e.target.value })}
              placeholder="e.g. 1000:1000"
              autoComplete="off"
              error={err("user")}
            />
            <TextField
              label="Working directory"
              value={form.workingDir}
              onChange={(e) => set({ workingDir: e.target.value })}
              placeholder="/app"
              autoComplete="off"
              spellCheck={false}
              error={err("workingDir")}
            />
            <TextField
              label="Host name"
              value={form.hostname}
              onChange={(e) => set({ hostname: e.target.value })}
              autoComplete="off"
              spellCheck={false}
              error={err("hostname")}
            />
          </div>
        </Section>

        <Section title="Environment variables">
          <Rows
            legend="Variables"
            rows={form.env}
            onChange={(env) => set({ env })}
            newRow={emptyRow.env}
            addLabel="Add variable"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Variable name"
                  placeholder="NAME"
                  className="w-48"
                  value={row.name}
                  onChange={(e) => setRow({ name: e.target.value })}
                  error={err(`env.${row.id}.name`)}
                />
                {row.fromSource ? (
                  <div className="flex flex-1 items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
                    <span className="rounded bg-slate-100 px-2 py-1 text-xs dark:bg-slate-800">
                      kept from the source container
                    </span>
                    <Button size="sm" variant="quiet" onClick={() => setRow({ fromSource: false, value: "" })}>
                      Replace value
                    </Button>
                  </div>
                ) : (
                  <RowInput
                    label="Variable value"
                    placeholder="value"
                    className="min-w-48 flex-1"
                    value={row.value}
                    onChange={(e) => setRow({ value: e.target.value })}
                    error={err(`env.${row.id}.value`)}
                  />
                )}
              </>
            )}
          </Rows>
        </Section>

        <Section
          title="Ports"
          description="Publish container ports on the host. No host port: Docker picks a free one."
        >
          <Rows
            legend="Published ports"
            rows={form.ports}
            onChange={(ports) => set({ ports })}
            newRow={emptyRow.ports}
            addLabel="Add port"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Host IP"
                  placeholder="all addresses"
                  className="w-36"
                  value={row.hostIp}
                  onChange={(e) => setRow({ hostIp: e.target.value })}
                  error={err(`ports.${row.id}.hostIp`)}
                />
                <RowInput
                  label="Host port"
                  inputMode="numeric"
                  className="w-28"
                  value={row.hostPort}
                  onChange={(e) => setRow({ hostPort: e.target.value })}
                  error={err(`ports.${row.id}.hostPort`)}
                />
                <span aria-hidden className="pt-1.5 text-slate-400">
                  →
                </span>
                <RowInput
                  label="Container port"
                  inputMode="numeric"
                  className="w-32"
                  value={row.containerPort}
                  onChange={(e) => setRow({ containerPort: e.target.value })}
                  error={err(`ports.${row.id}.containerPort`)}
                />
                <div className="w-24">
                  <select
                    aria-label="Protocol"
                    className={controlClass}
                    value={row.protocol}
                    onChange={(e) => setRow({ protocol: e.target.value as typeof row.protocol })}
                  >
                    <option value="tcp">tcp</option>
                    <option value="udp">udp</option>
                    <option value="sctp">sctp</option>
                  </select>
                </div>
              </>
            )}
          </Rows>
        </Section>

        <Section title="Storage" description="Named volumes are created when missing. Host folders are host access.">
          <Rows
            legend="Volumes"
            rows={form.volumes}
            onChange={(volumes) => set({ volumes })}
            newRow={emptyRow.volumes}
            addLabel="Add volume"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Volume name"
                  className="w-48"
                  list={listId("volumes")}
                  value={row.source}
                  onChange={(e) => setRow({ source: e.target.value })}
                  error={err(`volumes.${row.id}.source`) ?? err(`volumes.${row.id}`)}
                />
                <RowInput
                  label="Path in container"
                  placeholder="/data"
                  className="min-w-40 flex-1"
                  value={row.target}
                  onChange={(e) => setRow({ target: e.target.value })}
                  error={err(`volumes.${row.id}.target`)}
                />
                <label className="flex items-center gap-1.5 pt-1.5 text-sm text-slate-700 dark:text-slate-300">
                  <input
                    type="checkbox"
                    className="size-4 accent-sky-600"
                    checked={row.readOnly}
                    onChange={(e) => setRow({ readOnly: e.target.checked })}
                  />
                  Read-only
                </label>
              </>
            )}
          </Rows>
          <datalist id={listId("volumes")}>
            {(options.data?.volumes ?? []).map((v) => (
              <option key={v.name} value={v.name} />
            ))}
          </datalist>
          <Rows
            legend="Memory file systems (tmpfs)"
            hint="Give a size: a tmpfs without one can take half of the host's memory, which is host access."
            rows={form.tmpfs}
            onChange={(tmpfs) => set({ tmpfs })}
            newRow={emptyRow.tmpfs}
            addLabel="Add tmpfs"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="tmpfs path in container"
                  placeholder="/run/cache"
                  className="min-w-40 flex-1"
                  value={row.target}
                  onChange={(e) => setRow({ target: e.target.value })}
                  error={err(`tmpfs.${row.id}.target`) ?? err(`tmpfs.${row.id}`)}
                />
                <RowInput
                  label="tmpfs size in MB"
                  placeholder="size MB"
                  inputMode="decimal"
                  className="w-28"
                  value={row.sizeMb}
                  onChange={(e) => setRow({ sizeMb: e.target.value })}
                  error={err(`tmpfs.${row.id}.sizeBytes`)}
                />
              </>
            )}
          </Rows>
        </Section>

        <Section title="Networks" description="None: the default bridge. The first one listed is joined at create.">
          <Rows
            legend="Networks"
            rows={form.networks}
            onChange={(networks) => set({ networks })}
            newRow={emptyRow.networks}
            addLabel="Add network"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Network"
                  className="w-48"
                  list={listId("networks")}
                  value={row.name}
                  onChange={(e) => setRow({ name: e.target.value })}
                  error={err(`networks.${row.id}.name`) ?? err(`networks.${row.id}`)}
                />
                <RowInput
                  label="Aliases"
                  placeholder="aliases, comma separated"
                  className="min-w-40 flex-1"
                  value={row.aliases}
                  onChange={(e) => setRow({ aliases: e.target.value })}
                  error={err(`networks.${row.id}.aliases`)}
                />
              </>
            )}
          </Rows>
          <datalist id={listId("networks")}>
            {(options.data?.networks ?? [])
              .filter((n) => n.name !== "host" && n.name !== "none")
              .map((n) => (
                <option key={n.name} value={n.name}>
                  {n.driver}
                </option>
              ))}
          </datalist>
        </Section>

        <Section title="Restart and resources">
          <div className="grid gap-4 sm:grid-cols-3">
            <RestartPolicyFields values={form} onChange={set} err={err} />
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <ResourceLimitFields values={form} onChange={set} err={err} />
          </div>
        </Section>

        <Section title="Labels">
          <Rows
            legend="Labels"
            rows={form.labels}
            onChange={(labels) => set({ labels })}
            newRow={emptyRow.labels}
            addLabel="Add label"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Label key"
                  placeholder="key"
                  className="w-56"
                  value={row.key}
                  onChange={(e) => setRow({ key: e.target.value })}
                  error={err(`labels.${row.id}.key`)}
                />
                <RowInput
                  label="Label value"
                  placeholder="value"
                  className="min-w-40 flex-1"
                  value={row.value}
                  onChange={(e) => setRow({ value: e.target.value })}
                />
              </>
            )}
          </Rows>
        </Section>

        <Section title="Healthcheck">
          <fieldset className="space-y-2">
            <legend className="sr-only">Healthcheck</legend>
            {(
              [
                ["image", "The image's own (if it has one)"],
                ["custom", "A command of my own"],
                ["none", "None (turn the image's off)"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-2 text-sm text-slate-800 dark:text-slate-200">
                <input
                  type="radio"
                  name="health"
                  className="size-4 accent-sky-600"
                  checked={form.health === value}
                  onChange={() => set({ health: value })}
                />
                {label}
              </label>
            ))}
          </fieldset>
          {form.health === "custom" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="sm:col-span-2">
                <TextField
                  label="Health command"
                  value={form.healthCommand}
                  onChange={(e) => set({ healthCommand: e.target.value })}
                  placeholder="e.g. wget -q -O- http://localhost/ || exit 1"
                  autoComplete="off"
                  spellCheck={false}
                  hint="Run by the container's shell; exit 0 means healthy."
                  error={err("healthcheck.test")}
                />
              </div>
              <TextField
                label="Interval (s)"
                inputMode="decimal"
                value={form.healthInterval}
                onChange={(e) => set({ healthInterval: e.target.value })}
                placeholder="30"
                error={err("healthcheck.intervalSeconds")}
              />
              <TextField
                label="Timeout (s)"
                inputMode="decimal"
                value={form.healthTimeout}
                onChange={(e) => set({ healthTimeout: e.target.value })}
                placeholder="30"
                error={err("healthcheck.timeoutSeconds")}
              />
              <TextField
                label="Retries"
                inputMode="numeric"
                value={form.healthRetries}
                onChange={(e) => set({ healthRetries: e.target.value })}
                placeholder="3"
                error={err("healthcheck.retries")}
              />
              <TextField
                label="Start period (s)"
                inputMode="decimal"
                value={form.healthStartPeriod}
                onChange={(e) => set({ healthStartPeriod: e.target.value })}
                placeholder="0"
                error={err("healthcheck.startPeriodSeconds")}
              />
            </div>
          ) : null}
        </Section>

        {mayHostAccess ? (
          <HostAccessSection access={form.access} onChange={(access) => set({ access })} err={err} />
        ) : null}
      </div>

      <aside className="space-y-4 xl:sticky xl:top-6 xl:self-start">
        <CliPreview cli={conversion.spec ? runCli(conversion.spec) : null} />
        {accessWithoutGrant ? (
          <Alert tone="warning" title="Host access you may not grant here">
            <p>
              The container you are duplicating has host access (privileged mode, capabilities, host folders or
              namespaces, …). Creating it needs the container.create.privileged permission on this environment.
            </p>
            <Button size="sm" className="mt-2" onClick={() => setForm(withoutAccess(form))}>
              Leave host access out
            </Button>
          </Alert>
        ) : null}
        {violations.length ? (
          <Alert tone="warning" title="Not allowed for you here">
            <ul className="list-disc space-y-1 pl-5" data-testid="violations">
              {violations.map((v, i) => (
                <li key={`${v.field}-${v.permission}-${i}`}>
                  <span className="font-mono text-xs">{v.field}</span>: {v.message}. Needs{" "}
                  <span className="font-medium">{v.permission}</span>.
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {check.isError ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Could not check the settings with the server: {errorMessage(check.error)}
          </p>
        ) : null}
        {pendingErrors.length ? (
          <Alert title="Fix these first">
            <ul className="list-disc pl-5">
              {pendingErrors.map(([key, message]) => (
                <li key={key}>{message}</li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {create.error ? (
          <Alert title={errorCode(create.error) === "FORBIDDEN" ? "Refused" : "The container was not created"}>
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" pending={create.isPending}>
            {create.isPending ? "Creating…" : form.start ? "Create and start" : "Create container"}
          </Button>
          <Link
            href="/containers"
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
          >
            Cancel
          </Link>
        </div>
        {form.source ? (
          <p className="flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
            <Copy aria-hidden className="size-3.5" />
            Duplicated from another container; the original is not changed.
          </p>
        ) : null}
      </aside>
    </form>
  );
}
