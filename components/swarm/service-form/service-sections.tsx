"use client";

// The sections only a swarm service has: mode and replicas, ports with their publish mode,
// placement, limits and reservations, restart policy, update and rollback config, and bind
// mounts (shown only to whoever may grant them). The rest of the form is the workload kit's.
import { useFormContext, useWatch } from "react-hook-form";
import { controlClass, TextField } from "../../ui/field";
import { RowCheckbox, RowInput, SelectInput, TextAreaInput, TextInput } from "../../workload-form/controls";
import { FieldRows } from "../../workload-form/rows";
import { Section } from "../../workload-form/section";
import { newServiceRow, type ServiceFormValues } from "./form-model";

export function ModeSection({ locked }: { locked: boolean }) {
  const { control } = useFormContext<ServiceFormValues>();
  const mode = useWatch({ control, name: "mode" });
  return (
    <Section
      title="Mode"
      description={
        locked ? "A service keeps its mode; create a new one to change it." : "How many tasks run, and where."
      }
    >
      <div className="grid gap-4 sm:grid-cols-3">
        {locked ? (
          // Not a disabled input: the form would drop its value.
          <TextField label="Mode" value={mode} readOnly />
        ) : (
          <SelectInput name="mode" label="Mode">
            <option value="replicated">replicated (a number of tasks)</option>
            <option value="global">global (one task per node)</option>
            <option value="replicated-job">replicated job (run to completion)</option>
            <option value="global-job">global job (once per node)</option>
          </SelectInput>
        )}
        {mode === "replicated" ? <TextInput name="replicas" label="Replicas" inputMode="numeric" /> : null}
        {mode === "replicated-job" ? (
          <>
            <TextInput name="totalCompletions" label="Completions" inputMode="numeric" />
            <TextInput name="maxConcurrent" label="At once" inputMode="numeric" />
          </>
        ) : null}
      </div>
    </Section>
  );
}

export function ServicePortsSection() {
  const { register } = useFormContext<ServiceFormValues>();
  return (
    <Section
      title="Ports"
      description="Ingress: every node's port reaches the service through the routing mesh. Host: only the node a task runs on publishes it."
    >
      <FieldRows name="ports" legend="Published ports" newRow={newServiceRow.ports} addLabel="Add port">
        {(index) => (
          <>
            <RowInput name={`ports.${index}.hostPort`} label="Published port" inputMode="numeric" className="w-32" />
            <span aria-hidden className="pt-1.5 text-faint">
              →
            </span>
            <RowInput name={`ports.${index}.containerPort`} label="Target port" inputMode="numeric" className="w-28" />
            <div className="w-24">
              <select aria-label="Protocol" className={controlClass} {...register(`ports.${index}.protocol`)}>
                <option value="tcp">tcp</option>
                <option value="udp">udp</option>
                <option value="sctp">sctp</option>
              </select>
            </div>
            <div className="w-28">
              <select aria-label="Publish mode" className={controlClass} {...register(`ports.${index}.publishMode`)}>
                <option value="host">host</option>
                <option value="ingress">ingress</option>
              </select>
            </div>
          </>
        )}
      </FieldRows>
    </Section>
  );
}

export function BindMountsSection() {
  return (
    <Section
      title="Host folders"
      description="Bind mounts reach the host of every node a task runs on: they need the container.create.privileged permission."
    >
      <FieldRows name="binds" legend="Bind mounts" newRow={newServiceRow.binds} addLabel="Add bind mount">
        {(index) => (
          <>
            <RowInput name={`binds.${index}.source`} label="Host path" className="w-48" />
            <RowInput name={`binds.${index}.target`} label="Bind target path" className="min-w-40 flex-1" />
            <RowCheckbox name={`binds.${index}.readOnly`} label="Read-only" />
          </>
        )}
      </FieldRows>
    </Section>
  );
}

export function ContainerLabelsSection() {
  return (
    <Section title="Task labels" description="Labels on each task's container (the labels above are the service's).">
      <FieldRows
        name="containerLabels"
        legend="Container labels"
        newRow={newServiceRow.containerLabels}
        addLabel="Add container label"
      >
        {(index) => (
          <>
            <RowInput
              name={`containerLabels.${index}.key`}
              label="Container label key"
              placeholder="key"
              className="w-56"
            />
            <RowInput
              name={`containerLabels.${index}.value`}
              label="Container label value"
              placeholder="value"
              className="min-w-48 flex-1"
            />
          </>
        )}
      </FieldRows>
    </Section>
  );
}

export function PlacementSection({ nodeLabels }: { nodeLabels: string[] }) {
  return (
    <Section title="Placement" description="Which nodes may run the tasks, and how they spread.">
      <TextAreaInput
        name="placement.constraints"
        label="Constraints"
        hint={`One a line: node.role==manager, node.hostname!=db1, node.labels.zone==a${
          nodeLabels.length ? ` (labels on the nodes: ${nodeLabels.join(", ")})` : ""
        }.`}
      />
      <TextAreaInput
        name="placement.preferences"
        label="Spread over"
        hint="One a line: a node label, as node.labels.zone."
      />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextInput
          name="placement.maxReplicas"
          label="Tasks per node at most"
          inputMode="numeric"
          placeholder="no limit"
        />
      </div>
    </Section>
  );
}

export function ServiceResourcesSection() {
  return (
    <Section
      title="Resources"
      description="Limits cap each task; reservations are what a node must have free to take it."
    >
      <div className="grid gap-4 sm:grid-cols-3">
        <TextInput name="resources.limitCpus" label="CPU limit" inputMode="decimal" placeholder="no limit" />
        <TextInput
          name="resources.limitMemoryMb"
          label="Memory limit (MB)"
          inputMode="decimal"
          placeholder="no limit"
        />
        <TextInput name="resources.limitPids" label="Processes limit" inputMode="numeric" placeholder="no limit" />
        <TextInput name="resources.reserveCpus" label="CPU reservation" inputMode="decimal" placeholder="none" />
        <TextInput
          name="resources.reserveMemoryMb"
          label="Memory reservation (MB)"
          inputMode="decimal"
          placeholder="none"
        />
      </div>
    </Section>
  );
}

export function RestartSection() {
  const { control } = useFormContext<ServiceFormValues>();
  const condition = useWatch({ control, name: "restart.condition" });
  return (
    <Section title="Restart policy">
      <div className="grid gap-4 sm:grid-cols-4">
        <SelectInput name="restart.condition" label="Restart">
          <option value="">swarm default (any)</option>
          <option value="any">any</option>
          <option value="on-failure">on failure</option>
          <option value="none">never</option>
        </SelectInput>
        {condition && condition !== "none" ? (
          <>
            <TextInput name="restart.delaySeconds" label="Restart delay (s)" inputMode="decimal" placeholder="5" />
            <TextInput name="restart.maxAttempts" label="Attempts" inputMode="numeric" placeholder="unlimited" />
            <TextInput name="restart.windowSeconds" label="Window (s)" inputMode="decimal" placeholder="0" />
          </>
        ) : null}
      </div>
    </Section>
  );
}

function RolloutFields({ at, label }: { at: "update" | "rollback"; label: string }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-fg">{label}</legend>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextInput name={`${at}.parallelism`} label={`${label}: tasks at once`} inputMode="numeric" placeholder="1" />
        <TextInput name={`${at}.delaySeconds`} label={`${label}: delay (s)`} inputMode="decimal" placeholder="0" />
        <SelectInput name={`${at}.failureAction`} label={`${label}: on failure`}>
          <option value="">swarm default (pause)</option>
          <option value="pause">pause</option>
          <option value="continue">continue</option>
          {at === "update" ? <option value="rollback">roll back</option> : null}
        </SelectInput>
        <TextInput name={`${at}.monitorSeconds`} label={`${label}: monitor (s)`} inputMode="decimal" placeholder="5" />
        <TextInput
          name={`${at}.maxFailureRatio`}
          label={`${label}: failure ratio`}
          inputMode="decimal"
          placeholder="0"
        />
        <SelectInput name={`${at}.order`} label={`${label}: order`}>
          <option value="">swarm default (stop first)</option>
          <option value="stop-first">stop first</option>
          <option value="start-first">start first</option>
        </SelectInput>
      </div>
    </fieldset>
  );
}

export function RolloutSection() {
  return (
    <Section
      title="Rollouts"
      description="How an update replaces the tasks, and what happens when a new task fails (roll back: the previous spec comes back)."
    >
      <RolloutFields at="update" label="Update" />
      <RolloutFields at="rollback" label="Rollback" />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextInput name="stopGracePeriodSeconds" label="Stop grace period (s)" inputMode="decimal" placeholder="10" />
      </div>
    </Section>
  );
}

function FileRows({
  kind,
  names,
  listId,
  hint,
}: {
  kind: "secret" | "config";
  names: string[];
  listId: string;
  hint?: string;
}) {
  const Kind = kind === "secret" ? "Secret" : "Config";
  const at = kind === "secret" ? "secrets" : "configs";
  const { control } = useFormContext<ServiceFormValues>();
  const rows = useWatch({ control, name: at });
  return (
    <>
      <FieldRows name={at} legend={`${Kind}s`} hint={hint} newRow={newServiceRow[at]} addLabel={`Add ${kind}`}>
        {(index) => {
          const name = rows?.[index]?.name.trim() || "<name>";
          return (
            <>
              <RowInput
                name={`${at}.${index}.name`}
                label={`${Kind} name`}
                placeholder={`${kind} name`}
                className="w-40"
                list={listId}
              />
              <RowInput
                name={`${at}.${index}.target`}
                label={`${Kind} file`}
                placeholder={kind === "secret" ? `/run/secrets/${name}` : `/${name}`}
                title={
                  kind === "secret"
                    ? "A name: the file is /run/secrets/<that name> (or an absolute path)."
                    : "An absolute path, or a name (the file is /<that name>)."
                }
                className="min-w-40 flex-1"
              />
              <RowInput
                name={`${at}.${index}.uid`}
                label={`${Kind} uid`}
                placeholder="uid 0"
                inputMode="numeric"
                className="w-16"
              />
              <RowInput
                name={`${at}.${index}.gid`}
                label={`${Kind} gid`}
                placeholder="gid 0"
                inputMode="numeric"
                className="w-16"
              />
              <RowInput
                name={`${at}.${index}.mode`}
                label={`${Kind} mode`}
                placeholder="0444"
                inputMode="numeric"
                className="w-20"
              />
            </>
          );
        }}
      </FieldRows>
      <datalist id={listId}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

/**
 * Swarm secrets and configs as files in each task. A config's data is readable (the service can
 * print it), so mounting one needs config.data.read there: without it the config rows are
 * disabled (the server refuses them anyway); secrets are for workloads and not gated.
 */
export function FilesSection({
  secretNames,
  configNames,
  mayConfig,
}: {
  secretNames: string[];
  configNames: string[];
  mayConfig: boolean;
}) {
  return (
    <Section
      title="Secrets and configs"
      description="Files each task gets from the swarm, by name: a secret under /run/secrets, a config where you say. Owner root and mode 0444 unless you say otherwise (mode in octal, as chmod takes it)."
    >
      <FileRows kind="secret" names={secretNames} listId="service-secrets-options" />
      <fieldset disabled={!mayConfig} className="min-w-0" data-testid="service-configs">
        <FileRows
          kind="config"
          names={configNames}
          listId="service-configs-options"
          hint={
            mayConfig
              ? undefined
              : "Mounting a config needs the config.data.read permission on this swarm (a service can print its data), and you do not have it here."
          }
        />
      </fieldset>
    </Section>
  );
}
