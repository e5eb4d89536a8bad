"use client";

// `docker service create` and `docker service update` in the browser: one form over the whole
// spec the API takes (the workload kit's sections where a service has the same thing, its own
// where it differs). Before anything is sent the server says the line it will run and the
// policy's verdict for this caller (services.check, services.previewUpdate); a violation is set
// on the field it names.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { FormProvider, useForm, useWatch, type Path } from "react-hook-form";
import { useViewer } from "../../auth/viewer-context";
import { CliPreview } from "../../containers/create/cli-preview";
import { holdsOn } from "../../containers/holds-on";
import { errorCode, errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button, ButtonLink } from "../../ui/button";
import { SelectField, TextField } from "../../ui/field";
import { specResolver } from "../../workload-form/resolver";
import { CommandSection } from "../../workload-form/sections/command-section";
import { EnvSection } from "../../workload-form/sections/env-section";
import { HealthcheckSection } from "../../workload-form/sections/healthcheck-section";
import { LabelsSection } from "../../workload-form/sections/labels-section";
import { NetworksSection } from "../../workload-form/sections/networks-section";
import { StorageSection } from "../../workload-form/sections/storage-section";
import { Section } from "../../workload-form/section";
import { TextInput } from "../../workload-form/controls";
import type { ServiceSpec } from "@/server/modules/swarm/contract";
import { serviceHref } from "../hrefs";
import { formPathOfViolation, toServiceSpec, type ServiceFormValues } from "./form-model";
import {
  BindMountsSection,
  ContainerLabelsSection,
  FilesSection,
  ModeSection,
  PlacementSection,
  RestartSection,
  RolloutSection,
  ServicePortsSection,
  ServiceResourcesSection,
} from "./service-sections";

const PRIVILEGED = "container.create.privileged";
const CONFIG_DATA = "config.data.read";

/** A value that settles `ms` after it last changed (for the check against the server). */
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

/** A spec value in a line, for the list of changes. */
function short(value: unknown): string {
  if (value === undefined || value === null) return "none";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

type Target =
  | { kind: "create"; clusters: { environmentId: string; label: string }[] }
  | { kind: "update"; environmentId: string; serviceId: string };

export function ServiceForm({ target, initial }: { target: Target; initial: ServiceFormValues }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const [environmentId, setEnvironmentId] = useState(
    target.kind === "update" ? target.environmentId : (target.clusters[0]?.environmentId ?? ""),
  );
  const mayBind = environmentId !== "" && holdsOn(viewer, PRIVILEGED, environmentId);
  const mayConfig = environmentId !== "" && holdsOn(viewer, CONFIG_DATA, environmentId);
  const resolver = useMemo(
    () => specResolver((values: ServiceFormValues) => toServiceSpec(values, mayBind)),
    [mayBind],
  );
  const form = useForm<ServiceFormValues, unknown, ServiceSpec>({ defaultValues: initial, resolver, mode: "onChange" });
  const values = useWatch({ control: form.control }) as ServiceFormValues;
  const conversion = toServiceSpec(values, mayBind);

  const options = useQuery({
    ...trpc.services.createOptions.queryOptions({ environmentId }),
    // An update offers the names too, to whoever may ask (the options are create's).
    enabled: environmentId !== "" && (target.kind === "create" || holdsOn(viewer, "service.create", environmentId)),
  });
  const settled = useSettled(conversion.spec && environmentId ? conversion.spec : null, 400);
  const check = useQuery({
    ...trpc.services.check.queryOptions({ environmentId, spec: settled ?? { name: "x", image: "x" } }),
    enabled: target.kind === "create" && settled !== null,
    placeholderData: (previous) => previous,
    retry: false,
  });
  const preview = useQuery({
    ...trpc.services.previewUpdate.queryOptions({
      environmentId,
      id: target.kind === "update" ? target.serviceId : "",
      spec: settled ?? { name: "x", image: "x" },
    }),
    enabled: target.kind === "update" && settled !== null,
    placeholderData: (previous) => previous,
    retry: false,
  });
  const verdict = target.kind === "create" ? check : preview;

  const done = async (id: string) => {
    await queryClient.invalidateQueries({ queryKey: trpc.services.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.services.get.queryKey() });
    router.push(serviceHref(environmentId, id));
  };
  const create = useMutation(trpc.services.create.mutationOptions({ onSuccess: (c) => done(c.id) }));
  const update = useMutation(trpc.services.update.mutationOptions({ onSuccess: (u) => done(u.id) }));
  const sending = target.kind === "create" ? create : update;

  // The server's policy violations, set on the field each names (and cleared when it no longer does).
  const violations = useMemo(() => (verdict.data && settled ? verdict.data.violations : []), [verdict.data, settled]);
  const policyPaths = useRef<string[]>([]);
  const { setError, clearErrors, getFieldState } = form;
  useEffect(() => {
    for (const path of policyPaths.current) {
      if (getFieldState(path as Path<ServiceFormValues>).error?.type === "policy")
        clearErrors(path as Path<ServiceFormValues>);
    }
    const paths: string[] = [];
    for (const v of violations) {
      const path = formPathOfViolation(v.field, form.getValues());
      if (paths.includes(path)) continue;
      paths.push(path);
      setError(path as Path<ServiceFormValues>, { type: "policy", message: `Needs ${v.permission}: ${v.message}.` });
    }
    policyPaths.current = paths;
  }, [violations, verdict.dataUpdatedAt, setError, clearErrors, getFieldState, form]);

  const submit = form.handleSubmit((spec) =>
    target.kind === "create"
      ? create.mutate({ environmentId, spec })
      : update.mutate({ environmentId, id: target.serviceId, spec }),
  );
  const problems = check.data && target.kind === "create" ? check.data.problems : [];
  const submitted = form.formState.submitCount > 0;
  const pendingErrors = submitted && !conversion.spec ? conversion.issues : [];
  const changes = target.kind === "update" && settled ? (preview.data?.changes ?? []) : [];
  const nodeLabels = Object.entries(options.data?.nodeLabels ?? {}).flatMap(([k, vs]) =>
    vs.map((v) => `node.labels.${k}==${v}`),
  );
  const cli = settled ? (verdict.data?.cli ?? null) : null;

  return (
    <FormProvider {...form}>
      <form onSubmit={(e) => void submit(e)} noValidate className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="min-w-0 space-y-5">
          <Section title="Service">
            {target.kind === "create" && target.clusters.length > 1 ? (
              <SelectField label="Swarm" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
                {target.clusters.map((c) => (
                  <option key={c.environmentId} value={c.environmentId}>
                    {c.label}
                  </option>
                ))}
              </SelectField>
            ) : null}
            <div className="grid gap-4 sm:grid-cols-2">
              {target.kind === "create" ? (
                <TextInput name="name" label="Name" required />
              ) : (
                <TextField label="Name" value={values.name} readOnly hint="A service keeps its name." />
              )}
              <TextInput name="image" label="Image" required placeholder="nginx:1.27" list="service-images-options" />
              <datalist id="service-images-options">
                {(options.data?.images ?? []).map((i) => (
                  <option key={i} value={i} />
                ))}
              </datalist>
            </div>
          </Section>
          <ModeSection locked={target.kind === "update"} />
          <CommandSection />
          <EnvSection />
          <ServicePortsSection />
          <StorageSection volumeNames={[]} listId="service-volumes-options" />
          {mayBind || values.binds.length ? <BindMountsSection /> : null}
          <NetworksSection networks={options.data?.networks ?? []} listId="service-networks-options" />
          <FilesSection
            secretNames={options.data?.secrets ?? []}
            configNames={options.data?.configs ?? []}
            mayConfig={mayConfig}
          />
          <PlacementSection nodeLabels={nodeLabels} />
          <ServiceResourcesSection />
          <RestartSection />
          <RolloutSection />
          <HealthcheckSection />
          <LabelsSection />
          <ContainerLabelsSection />
        </div>

        <aside className="space-y-4 xl:sticky xl:top-6 xl:self-start">
          <CliPreview cli={cli} />
          {changes.length ? (
            <Alert tone="info" title="What changes">
              <ul className="list-disc space-y-1 pl-5 text-xs" data-testid="update-changes">
                {changes.map((c) => (
                  <li key={c.path}>
                    <span className="font-mono">{c.path}</span>: {short(c.before)} → {short(c.after)}
                  </li>
                ))}
              </ul>
            </Alert>
          ) : target.kind === "update" && settled && preview.data ? (
            <p className="text-sm text-subtle">Nothing changes yet.</p>
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
          {problems.map((p) => (
            <Alert key={p} title="Check the form">
              {p}
            </Alert>
          ))}
          {verdict.isError ? (
            <Alert title="The server could not check this">{errorMessage(verdict.error)}</Alert>
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
          {sending.error ? (
            <Alert title={errorCode(sending.error) === "FORBIDDEN" ? "Refused" : "Nothing was changed"}>
              {errorMessage(sending.error)}
            </Alert>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <Button
              type="submit"
              variant="primary"
              pending={sending.isPending}
              disabled={violations.length > 0 || problems.length > 0}
            >
              {target.kind === "create" ? "Create service" : "Update service"}
            </Button>
            <ButtonLink href={target.kind === "update" ? serviceHref(environmentId, target.serviceId) : "/swarm"}>
              Cancel
            </ButtonLink>
          </div>
        </aside>
      </form>
    </FormProvider>
  );
}
