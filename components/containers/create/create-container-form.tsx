"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Container, Copy } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { FormProvider, useForm, useWatch, type Path } from "react-hook-form";
import { holdsSomewhere, type Viewer } from "../../auth/viewer";
import { useViewer } from "../../auth/viewer-context";
import { EmptyState } from "../../empty-state";
import { PageHeader } from "../../page-header";
import { createdIdOf, errorCode, errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button, ButtonLink } from "../../ui/button";
import { Loading } from "../../ui/loading";
import { NoPermission } from "../../ui/no-permission";
import { QueryError } from "../../ui/query-error";
import { specResolver } from "../../workload-form/resolver";
import { CommandSection } from "../../workload-form/sections/command-section";
import { EnvSection } from "../../workload-form/sections/env-section";
import { HealthcheckSection } from "../../workload-form/sections/healthcheck-section";
import { HostAccessSection } from "../../workload-form/sections/host-access-section";
import { ImageSection } from "../../workload-form/sections/image-section";
import { LabelsSection } from "../../workload-form/sections/labels-section";
import { ResourceLimitFields, RestartPolicyFields } from "../../workload-form/sections/limit-fields";
import { NetworksSection } from "../../workload-form/sections/networks-section";
import { PortsSection } from "../../workload-form/sections/ports-section";
import { StorageSection } from "../../workload-form/sections/storage-section";
import { Section } from "../../workload-form/section";
import { runCli, type ContainerSpec } from "@/server/workloads/container-spec";
import { holdsOn } from "../holds-on";
import { CliPreview } from "./cli-preview";
import { carrySaid } from "../carried-result";
import { CreatedButNotStarted } from "./created-but-not-started";
import { emptyAccess, emptyForm, fromSpec, hasAccess, toSpec, type ContainerFormValues } from "./form-model";

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

/**
 * /containers/new: the create form, empty, or filled from an existing container: a duplicate
 * (?from=env/container) or a replacement of it (?replace=env/container, containers.replace).
 */
export function CreateContainerPage({ from, replace }: { from?: string; replace?: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const replacing = parseFrom(replace);
  const source = replacing ?? parseFrom(from);
  const environments = useQuery(trpc.environments.list.queryOptions());
  const copy = useQuery({
    ...trpc.containers.specOf.queryOptions(
      source
        ? { environmentId: source.environmentId, id: source.containerId, purpose: replacing ? "replace" : "duplicate" }
        : { environmentId: "", id: "" },
    ),
    enabled: source !== null,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  if (!holdsSomewhere(viewer, "container.create")) return <NoPermission permission="container.create" />;
  // A replacement is a create and a remove there (containers.replace asks for both).
  if (replacing && !holdsOn(viewer, "container.delete", replacing.environmentId))
    return <NoPermission permission="container.delete" />;
  const header = (
    <PageHeader
      title={replacing ? "Replace with an edited copy" : source ? "Duplicate and edit" : "Create container"}
      description={
        replacing && copy.data
          ? `A new ${copy.data.sourceName} made from what you change here. The old one is stopped and set aside, and removed only once the new one runs; if the new one fails, the old one comes back.`
          : replacing
            ? "An edited copy takes the container's place, under its name."
            : source && copy.data
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
        <QueryError
          error={copy.error}
          what={replacing ? "the container to replace" : "the container to duplicate"}
          onRetry={() => void copy.refetch()}
        />
      </>
    );
  }
  const allowed = environments.data.filter(
    (e) => holdsOn(viewer, "container.create", e.id) && (!replacing || e.id === replacing.environmentId),
  );
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
  if (replacing && copy.data) initial.name = copy.data.sourceName;
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
        replacing={replacing && copy.data ? { id: copy.data.sourceId, name: copy.data.sourceName } : undefined}
      />
    </>
  );
}

/** The form's values as the spec, for one viewer (the host access section counts where shown). */
function convert(values: ContainerFormValues, viewer: Viewer) {
  const mayHostAccess =
    values.environmentId !== "" && holdsOn(viewer, "container.create.privileged", values.environmentId);
  const conversion = toSpec(values, { hostAccess: mayHostAccess });
  const issues = values.environmentId
    ? conversion.issues
    : [{ path: "environmentId", message: "Choose where the container runs." }, ...conversion.issues];
  return { ...conversion, issues, mayHostAccess };
}

export function CreateContainerForm({
  initial,
  environments,
  replacing,
}: {
  initial: ContainerFormValues;
  environments: { id: string; name: string }[];
  /** the container this form's result replaces (containers.replace), kept under its name */
  replacing?: { id: string; name: string };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  // useForm takes the options of each render, so a new viewer brings a new resolver.
  const resolver = useMemo(() => specResolver((values: ContainerFormValues) => convert(values, viewer)), [viewer]);
  const form = useForm<ContainerFormValues, unknown, ContainerSpec>({
    defaultValues: initial,
    resolver,
    mode: "onChange",
  });
  // The whole form, as typed (defaultValues make it complete).
  const values = useWatch({ control: form.control }) as ContainerFormValues;
  const conversion = convert(values, viewer);
  const { environmentId } = values;

  const options = useQuery({
    ...trpc.containers.createOptions.queryOptions({ environmentId }),
    enabled: environmentId !== "",
  });
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
  const replace = useMutation(
    trpc.containers.replace.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
        carrySaid(result.id, { text: `Replaced ${result.name} with the edited copy.`, cli: result.cli.join(" && ") });
        router.push(`/containers/${encodeURIComponent(environmentId)}/${encodeURIComponent(result.id)}`);
      },
      onError: () => void check.refetch(),
    }),
  );

  // The server's policy violations, set on the field each names (and cleared when it no longer does).
  const violations = useMemo(() => (check.data && settled ? check.data.violations : []), [check.data, settled]);
  const policyPaths = useRef<string[]>([]);
  const { setError, clearErrors, getFieldState } = form;
  const formPath = conversion.formPath;
  useEffect(() => {
    for (const path of policyPaths.current) {
      if (getFieldState(path as Path<ContainerFormValues>).error?.type === "policy")
        clearErrors(path as Path<ContainerFormValues>);
    }
    const paths: string[] = [];
    for (const v of violations) {
      const path = formPath(v.specField);
      if (paths.includes(path)) continue;
      paths.push(path);
      setError(path as Path<ContainerFormValues>, { type: "policy", message: `Needs ${v.permission}: ${v.message}.` });
    }
    policyPaths.current = paths;
    // formPath changes with every keystroke; the violations are what matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [violations, check.dataUpdatedAt, setError, clearErrors, getFieldState]);

  // A container made but not started, then removed from here: the form is for trying again.
  const [removedLeftover, setRemovedLeftover] = useState(false);
  const leftBehind = createdIdOf(create.error);
  const submit = form.handleSubmit((spec) => {
    setRemovedLeftover(false);
    if (replacing) replace.mutate({ environmentId, id: replacing.id, spec });
    else create.mutate({ environmentId, spec });
  });
  const submitted = form.formState.submitCount > 0;
  const pendingErrors = submitted && !conversion.spec ? conversion.issues : [];
  const accessWithoutGrant = !conversion.mayHostAccess && environmentId !== "" && hasAccess(values.hostAccess);
  const images = options.data?.images ?? [];

  return (
    <FormProvider {...form}>
      <form
        onSubmit={(event) => void submit(event)}
        noValidate
        className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]"
      >
        <div className="min-w-0 space-y-5">
          <ImageSection
            environments={environments}
            images={images}
            listId="create-images-options"
            fixedName={replacing?.name}
            imagesHint={
              options.isError
                ? `Could not list the images: ${errorMessage(options.error)}`
                : environmentId
                  ? `${images.length} tagged image${images.length === 1 ? "" : "s"} on this host. Pull others first.`
                  : "Choose an environment to see its images."
            }
          />
          <CommandSection />
          <EnvSection />
          <PortsSection />
          <StorageSection
            volumeNames={(options.data?.volumes ?? []).map((v) => v.name)}
            listId="create-volumes-options"
          />
          <NetworksSection networks={options.data?.networks ?? []} listId="create-networks-options" />
          <Section title="Restart and resources">
            <div className="grid gap-4 sm:grid-cols-3">
              <RestartPolicyFields />
            </div>
            <div className="grid gap-4 sm:grid-cols-3">
              <ResourceLimitFields />
            </div>
          </Section>
          <LabelsSection />
          <HealthcheckSection />
          {conversion.mayHostAccess ? <HostAccessSection initiallyOpen={hasAccess(initial.hostAccess)} /> : null}
        </div>

        <aside className="space-y-4 xl:sticky xl:top-6 xl:self-start">
          <CliPreview
            cli={
              conversion.spec ? runCli(conversion.spec, environments.find((e) => e.id === environmentId)?.name) : null
            }
          />
          {accessWithoutGrant ? (
            <Alert tone="warning" title="Host access you may not grant here">
              <p>
                The container you are duplicating has host access (privileged mode, capabilities, host folders or
                namespaces, …). Creating it needs the container.create.privileged permission on this environment.
              </p>
              <Button
                size="sm"
                className="mt-2"
                onClick={() => form.setValue("hostAccess", emptyAccess(), { shouldValidate: true })}
              >
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
            <p className="text-xs text-subtle">
              Could not check the settings with the server: {errorMessage(check.error)}
            </p>
          ) : null}
          {pendingErrors.length ? (
            <Alert title="Fix these first">
              <ul className="list-disc pl-5">
                {pendingErrors.map((issue) => (
                  <li key={issue.path}>{issue.message}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          {create.error && leftBehind ? (
            <CreatedButNotStarted
              environmentId={environmentId}
              id={leftBehind}
              message={errorMessage(create.error)}
              onRemoved={() => {
                create.reset();
                setRemovedLeftover(true);
              }}
            />
          ) : replace.error ? (
            <Alert title={errorCode(replace.error) === "FORBIDDEN" ? "Refused" : "It was not replaced"}>
              {errorMessage(replace.error)}
            </Alert>
          ) : create.error ? (
            <Alert title={errorCode(create.error) === "FORBIDDEN" ? "Refused" : "The container was not created"}>
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          {removedLeftover ? (
            <Alert tone="info" title="Removed">
              The container that did not start is gone. Change what stopped it and create it again.
            </Alert>
          ) : null}
          <div className="flex flex-wrap gap-2">
            {replacing ? (
              <Button type="submit" variant="primary" pending={replace.isPending}>
                {replace.isPending ? "Replacing…" : `Replace ${replacing.name}`}
              </Button>
            ) : (
              <Button type="submit" variant="primary" pending={create.isPending}>
                {create.isPending ? "Creating…" : values.start ? "Create and start" : "Create container"}
              </Button>
            )}
            <ButtonLink
              href={
                replacing
                  ? `/containers/${encodeURIComponent(environmentId)}/${encodeURIComponent(replacing.id)}`
                  : "/containers"
              }
            >
              Cancel
            </ButtonLink>
          </div>
          {replacing ? null : values.source ? (
            <p className="flex items-center gap-1.5 text-xs text-subtle">
              <Copy aria-hidden className="size-3.5" />
              Duplicated from another container; the original is not changed.
            </p>
          ) : null}
        </aside>
      </form>
    </FormProvider>
  );
}
