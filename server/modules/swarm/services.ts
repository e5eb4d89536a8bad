// Swarm services: the list (each service once, with its running / desired tasks), details
// with tasks and their history, and what `docker service create | update | scale | rollback
// | rm` do. Every spec that is about to run (create, update, a rollback's previous spec) is
// judged first through the `judge` the caller hands in; a refused spec never reaches the
// engine. Every action answers with its CLI line.
import { MASKED, maskCommandWords, maskLabelValues } from "../../audit/mask";
import { isSecretVariable, looksSecretValue } from "../../audit/redact";
import type { Fleet, NodeSummary, ServiceSummary, TaskSummary } from "../../docker/index";
import { trimService } from "../../docker/resources";
import { environmentOfNode, type Cluster } from "./cluster";
import { dockerLine } from "./cli";
import { engineRequest, filtersQuery, seg } from "./engine";
import { SwarmConflictError, SwarmInputError, SwarmNotFoundError, SwarmPolicyError } from "./errors";
import type { Violation } from "./judge";
import { readFromManager, SWARM_WRITE_DEADLINE_MS, writeToManager } from "./managers";
import type { ActionResult } from "./nodes";
import {
  createWords,
  serviceSpecOf,
  toServiceSpec,
  toServiceUpdate,
  updateWords,
  serviceSpec as serviceSpecInput,
  type ServiceSpec,
  type ServiceSpecInput,
  type SpecRefs,
} from "../../workloads/service-spec";
import type { ClusterView } from "./view";

type Json = Record<string, unknown>;

/** The same mask containers use for values of secret-looking variables (the unmasking below relies on it). */
export { MASKED };

/** Judges an Engine ServiceSpec about to be sent; returns what the caller may not do. */
export type ServiceJudge = (body: Json, kind: "service.create" | "service.update") => Promise<Violation[]>;

export interface ServiceRow extends ServiceSummary {
  clusterId: string;
  /** tasks running that are meant to run */
  running: number;
  /** tasks wanted: replicas, one per eligible node (global), completions (jobs) */
  desired: number;
  /** jobs: tasks that completed */
  completed?: number;
  /** running == desired and no rollout under way */
  converged: boolean;
}

export interface TaskRow extends TaskSummary {
  /** web.1, or web.<node id> for a global service's task */
  name: string;
  serviceName: string;
  nodeHostname?: string;
  /** the environment of the node's engine, when it is one (a console can be opened there) */
  environment?: { id: string; name: string };
}

const IN_PROGRESS = new Set(["updating", "rollback_started"]);

export function serviceRows(view: ClusterView): ServiceRow[] {
  const byService = new Map<string, TaskSummary[]>();
  for (const t of view.tasks) {
    const list = byService.get(t.serviceId);
    if (list) list.push(t);
    else byService.set(t.serviceId, [t]);
  }
  return view.services.map((service) => {
    const tasks = byService.get(service.id) ?? [];
    const running = tasks.filter((t) => t.desiredState === "running" && t.state === "running").length;
    let desired: number;
    let completed: number | undefined;
    switch (service.mode) {
      case "replicated":
        desired = service.replicas ?? 0;
        break;
      case "global":
        desired = new Set(tasks.filter((t) => t.desiredState === "running").map((t) => t.nodeId)).size;
        break;
      case "replicated-job":
        desired = service.replicas ?? 1;
        completed = tasks.filter((t) => t.state === "complete").length;
        break;
      case "global-job":
        desired = new Set(tasks.map((t) => t.nodeId)).size;
        completed = tasks.filter((t) => t.state === "complete").length;
        break;
      default:
        desired = 0;
    }
    const jobDone = completed !== undefined && completed >= desired;
    return {
      ...service,
      clusterId: view.cluster.id,
      running,
      desired,
      ...(completed !== undefined ? { completed } : {}),
      converged: (jobDone || running === desired) && !IN_PROGRESS.has(service.updateStatus?.state ?? ""),
    };
  });
}

/** A row of the services list: the row, masked for the caller, and the environment that served it. */
export type ListedServiceRow = ServiceRow & { environmentId: string };

/**
 * The last list made per cluster and masking, with the stamp of the picture it was made from.
 * A list costs a copy per service and a pass over every task; while the picture stands still
 * (most reads of a warm list) the same rows answer again. Any change to the services or tasks
 * changes the stamp, so a row is never older than the picture it is served from.
 */
const listed = new Map<string, { stamp: string; rows: ListedServiceRow[] }>();

/** The services list's rows for `view`; shared between callers while the picture holds: never change them. */
export function listedServiceRows(view: ClusterView, reveal: boolean): ListedServiceRow[] {
  const make = () =>
    serviceRows(view).map((row) => ({ ...maskServiceRow(row, reveal), environmentId: view.source.environmentId }));
  if (!view.stamp) return make();
  const key = `${view.cluster.id}|${reveal ? "revealed" : "masked"}`;
  const held = listed.get(key);
  if (held?.stamp === view.stamp) return held.rows;
  const rows = make();
  listed.set(key, { stamp: view.stamp, rows });
  return rows;
}

function nodeMap(view: ClusterView): Map<string, NodeSummary> {
  return new Map(view.nodes.map((n) => [n.id, n]));
}

export function taskRows(view: ClusterView, serviceId?: string): TaskRow[] {
  const services = new Map(view.services.map((s) => [s.id, s]));
  const nodes = nodeMap(view);
  return view.tasks
    .filter((t) => !serviceId || t.serviceId === serviceId)
    .map((t) => {
      const service = services.get(t.serviceId);
      const serviceName = service?.name ?? t.serviceId;
      const node = nodes.get(t.nodeId);
      const env = t.nodeId ? environmentOfNode(view.cluster, t.nodeId) : undefined;
      return {
        ...t,
        name: t.slot !== undefined && t.slot > 0 ? `${serviceName}.${t.slot}` : `${serviceName}.${t.nodeId || t.id}`,
        serviceName,
        ...(node ? { nodeHostname: node.hostname } : {}),
        ...(env ? { environment: { id: env.environmentId, name: env.name } } : {}),
      };
    });
}

export function findService(view: ClusterView, ref: string): ServiceSummary {
  const service = view.services.find((s) => s.id === ref) ?? view.services.find((s) => s.name === ref);
  if (!service) throw new SwarmNotFoundError(`This swarm has no service ${ref}.`);
  return service;
}

export interface RawService {
  ID: string;
  Version: { Index: number };
  Spec: Json;
  PreviousSpec?: Json;
  UpdateStatus?: Json;
  CreatedAt?: string;
  UpdatedAt?: string;
  Endpoint?: Json;
}

/** `docker service inspect`, from a manager that answers; absent: SwarmNotFoundError. */
export async function inspectServiceRaw(fleet: Fleet, cluster: Cluster, id: string): Promise<RawService> {
  const served = await readFromManager(fleet, cluster, "service inspect", (docker) =>
    engineRequest<RawService>(docker, {
      method: "GET",
      path: `/services/${seg(id)}`,
      query: { insertDefaults: false },
    }),
  ).catch((error: unknown) => {
    if (error instanceof Error && "code" in error && error.code === "not-found") {
      throw new SwarmNotFoundError(`This swarm has no service ${id}.`);
    }
    throw error;
  });
  return served.value;
}

/** NAME=value entries with a secret-looking name or a credential in the value, masked. */
function maskEnvList(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    if (typeof entry !== "string") return entry;
    const eq = entry.indexOf("=");
    if (eq < 0) return looksSecretValue(entry) ? MASKED : entry;
    return isSecretVariable(entry.slice(0, eq), entry.slice(eq + 1)) ? `${entry.slice(0, eq + 1)}${MASKED}` : entry;
  });
}

// The same rules as a container's command and labels (server/audit/mask.ts): by form and by
// name, `--password x` and `--api-token=x` included.
function maskWords(words: string[] | undefined): string[] | undefined {
  return words ? maskCommandWords(words) : undefined;
}

function maskLabels(labels: Record<string, string>): Record<string, string> {
  return maskLabelValues(labels);
}

/**
 * The form's spec with every value that looks secret (by its name or by its form: a password in
 * a URL, a token) masked: env values, command and entrypoint words, labels. An update puts the
 * masked ones back (unmask).
 */
function maskSpec(spec: ServiceSpecInput, reveal: boolean): ServiceSpecInput {
  if (reveal) return spec;
  const command = maskWords(spec.command);
  const entrypoint = maskWords(spec.entrypoint);
  return {
    ...spec,
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(spec.env
      ? { env: spec.env.map((e) => (isSecretVariable(e.name, e.value) ? { ...e, value: MASKED } : e)) }
      : {}),
    ...(spec.labels ? { labels: maskLabels(spec.labels) } : {}),
    ...(spec.containerLabels ? { containerLabels: maskLabels(spec.containerLabels) } : {}),
  };
}

/** A service's row (lists, details) with its labels masked likewise. */
export function maskServiceRow<T extends { labels: Record<string, string> }>(row: T, reveal: boolean): T {
  return reveal ? row : { ...row, labels: maskLabels(row.labels) };
}

/** A ServiceSpec as the engine holds it, masked likewise (for showing the raw spec). */
function maskRawSpec(spec: Json, reveal: boolean): Json {
  if (reveal) return spec;
  const copy = structuredClone(spec);
  if (copy.Labels && typeof copy.Labels === "object") copy.Labels = maskLabels(copy.Labels as Record<string, string>);
  const container = (copy.TaskTemplate as Json | undefined)?.ContainerSpec as Json | undefined;
  if (container) {
    if (Array.isArray(container.Env)) container.Env = maskEnvList(container.Env as unknown[]);
    for (const key of ["Args", "Command"] as const) {
      const words = container[key];
      if (Array.isArray(words) && words.every((w) => typeof w === "string")) container[key] = maskCommandWords(words);
    }
    if (container.Labels && typeof container.Labels === "object") {
      container.Labels = maskLabels(container.Labels as Record<string, string>);
    }
  }
  return copy;
}

export interface ServiceDetail {
  service: ServiceRow;
  /** the spec as the form edits it (secret-looking values masked unless revealed) */
  spec: ServiceSpecInput;
  /** what the service has that the form does not say (an update keeps it) */
  kept: string[];
  /** `docker service inspect` .Spec, masked likewise */
  rawSpec: Json;
  previousImage?: string;
  tasks: TaskRow[];
  secretsRevealed: boolean;
}

export async function serviceDetail(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  reveal: boolean,
): Promise<ServiceDetail> {
  const known = findService(view, ref);
  const raw = await inspectServiceRaw(fleet, view.cluster, known.id);
  const fresh = trimService(raw);
  const freshView = { ...view, services: view.services.map((s) => (s.id === fresh.id ? fresh : s)) };
  const row = serviceRows(freshView).find((s) => s.id === fresh.id)!;
  const networks = await networkNames(fleet, view.cluster, raw.Spec);
  const { spec, kept } = serviceSpecOf(raw.Spec, (id) => networks.get(id) ?? id);
  const previous = (raw.PreviousSpec?.TaskTemplate as Json | undefined)?.ContainerSpec as Json | undefined;
  return {
    service: maskServiceRow(row, reveal),
    spec: maskSpec(spec, reveal),
    kept,
    rawSpec: maskRawSpec(raw.Spec, reveal),
    ...(typeof previous?.Image === "string" ? { previousImage: previous.Image } : {}),
    tasks: taskRows(freshView, fresh.id),
    secretsRevealed: reveal,
  };
}

/** Network IDs in a spec, by name (the engine stores IDs; people and the CLI use names). */
async function networkNames(fleet: Fleet, cluster: Cluster, spec: Json): Promise<Map<string, string>> {
  const task = spec.TaskTemplate as Json | undefined;
  const targets = [...((task?.Networks as Json[] | undefined) ?? []), ...((spec.Networks as Json[] | undefined) ?? [])]
    .map((n) => n.Target)
    .filter((t): t is string => typeof t === "string");
  if (!targets.length) return new Map();
  const served = await readFromManager(fleet, cluster, "network list", (docker) =>
    engineRequest<Array<{ Id: string; Name: string }>>(docker, { method: "GET", path: "/networks" }),
  );
  return new Map(served.value.map((n) => [n.Id, n.Name]));
}

/** Looks up the IDs of the secrets, configs and networks a spec names; unknown names are a 4xx. */
export async function resolveRefs(fleet: Fleet, cluster: Cluster, spec: ServiceSpec): Promise<SpecRefs> {
  const wants = {
    secrets: [...new Set(spec.secrets.map((s) => s.name))],
    configs: [...new Set(spec.configs.map((c) => c.name))],
    networks: [...new Set(spec.networks.map((n) => n.name))],
  };
  if (!wants.secrets.length && !wants.configs.length && !wants.networks.length) {
    return { secret: (n) => n, config: (n) => n, network: (n) => n };
  }
  const served = await readFromManager(fleet, cluster, "secret, config and network lookup", async (docker) => {
    const [secrets, configs, networks] = await Promise.all([
      wants.secrets.length
        ? engineRequest<Array<{ ID: string; Spec: { Name: string } }>>(docker, {
            method: "GET",
            path: "/secrets",
            query: filtersQuery({ name: wants.secrets }),
          })
        : [],
      wants.configs.length
        ? engineRequest<Array<{ ID: string; Spec: { Name: string } }>>(docker, {
            method: "GET",
            path: "/configs",
            query: filtersQuery({ name: wants.configs }),
          })
        : [],
      wants.networks.length
        ? engineRequest<Array<{ Id: string; Name: string; Scope: string }>>(docker, {
            method: "GET",
            path: "/networks",
          })
        : [],
    ]);
    return { secrets, configs, networks };
  });
  const secrets = new Map(served.value.secrets.map((s) => [s.Spec.Name, s.ID]));
  const configs = new Map(served.value.configs.map((c) => [c.Spec.Name, c.ID]));
  const networks = new Map<string, string>();
  for (const n of served.value.networks) {
    networks.set(n.Name, n.Id);
    networks.set(n.Id, n.Id);
  }
  const missing = [
    ...wants.secrets.filter((n) => !secrets.has(n)).map((n) => `secret ${n}`),
    ...wants.configs.filter((n) => !configs.has(n)).map((n) => `config ${n}`),
    ...wants.networks.filter((n) => !networks.has(n)).map((n) => `network ${n}`),
  ];
  if (missing.length)
    throw new SwarmInputError(
      `This swarm has no ${missing.join(", ")}: create ${missing.length > 1 ? "them" : "it"} first.`,
    );
  return {
    secret: (n) => secrets.get(n)!,
    config: (n) => configs.get(n)!,
    network: (n) => networks.get(n)!,
  };
}

function refuse(violations: Violation[], describe: (v: Violation[]) => string): never {
  throw new SwarmPolicyError(describe(violations), violations);
}

export interface ServiceActionResult extends ActionResult {
  id: string;
  name: string;
}

/** What create would send and what the policy says of it, without creating anything. */
export async function checkCreate(fleet: Fleet, view: ClusterView, spec: ServiceSpec, judge: ServiceJudge) {
  const refs = await resolveRefs(fleet, view.cluster, spec).catch((error: unknown) => {
    if (error instanceof SwarmInputError) return { problem: error.message };
    throw error;
  });
  const problems: string[] = [];
  if (view.services.some((s) => s.name === spec.name)) problems.push(`A service named ${spec.name} exists already.`);
  let violations: Violation[] = [];
  if ("problem" in refs) problems.push(refs.problem);
  else violations = await judge(toServiceSpec(spec, refs), "service.create");
  return { cli: dockerLine(view.source.name, createWords(spec)), violations, problems };
}

/** `docker service create`: judged first; nothing reaches the engine when refused. */
export async function createService(
  fleet: Fleet,
  view: ClusterView,
  spec: ServiceSpec,
  judge: ServiceJudge,
  describe: (v: Violation[]) => string,
): Promise<ServiceActionResult> {
  if (view.services.some((s) => s.name === spec.name)) {
    throw new SwarmConflictError(`A service named ${spec.name} exists already.`);
  }
  const refs = await resolveRefs(fleet, view.cluster, spec);
  const body = toServiceSpec(spec, refs);
  const violations = await judge(body, "service.create");
  if (violations.length) refuse(violations, describe);
  const served = await writeToManager(fleet, view.cluster, "service create", (docker) =>
    engineRequest<{ ID: string; Warnings?: string[] | null }>(docker, {
      method: "POST",
      path: "/services/create",
      body,
    }),
  );
  return {
    id: served.value.ID,
    name: spec.name,
    cli: dockerLine(served.via.name, createWords(spec)),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: served.value.Warnings ?? [],
  };
}

/** An update's spec with masked values put back as they are (the person did not change them). */
function unmask(spec: ServiceSpec, current: ServiceSpecInput): ServiceSpec {
  const values = new Map((current.env ?? []).map((e) => [e.name, e.value]));
  return {
    ...spec,
    env: spec.env.map((e) => (e.value === MASKED && values.has(e.name) ? { ...e, value: values.get(e.name)! } : e)),
    command: unmaskWords(spec.command, current.command),
    entrypoint: unmaskWords(spec.entrypoint, current.entrypoint),
    labels: unmaskLabels(spec.labels, current.labels),
    containerLabels: unmaskLabels(spec.containerLabels, current.containerLabels),
  };
}

/** A word sent back exactly as it was shown masked (`••••••`, `--password=••••••`) is the current one. */
function unmaskWords(words: string[] | undefined, current: string[] | undefined): string[] | undefined {
  if (!words || !current) return words;
  const shown = maskCommandWords(current);
  return words.map((word, i) =>
    word.includes(MASKED) && current[i] !== undefined && word === shown[i] ? current[i] : word,
  );
}

function unmaskLabels(labels: Record<string, string>, current: Record<string, string> | undefined) {
  return Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [k, v === MASKED && current?.[k] !== undefined ? current[k] : v]),
  );
}

export interface SpecChange {
  /** the ServiceSpec path, "TaskTemplate.ContainerSpec.Image" */
  path: string;
  before: unknown;
  after: unknown;
}

/** What differs between two ServiceSpecs, field by field (lists compared whole). */
export function specChanges(before: unknown, after: unknown, path = ""): SpecChange[] {
  const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => specChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  const same = JSON.stringify(before ?? null) === JSON.stringify(after ?? null);
  return same ? [] : [{ path, before: before ?? null, after: after ?? null }];
}

function maskChange(change: SpecChange, reveal: boolean): SpecChange {
  if (reveal) return change;
  // Paths go down into objects ("Labels.tier"), so a label's key is the path's last part.
  const labelKey = /(?:^|\.)Labels\.(.+)$/.exec(change.path)?.[1];
  const mask = (v: unknown): unknown => {
    if (typeof v === "string") return isSecretVariable(labelKey ?? "", v) ? MASKED : v;
    if (Array.isArray(v)) return maskEnvList(v);
    if (v && typeof v === "object") return maskLabels(v as Record<string, string>);
    return v;
  };
  return { ...change, before: mask(change.before), after: mask(change.after) };
}

export interface UpdatePlan {
  service: ServiceSummary;
  raw: RawService;
  body: Json;
  changes: SpecChange[];
  cliWords: string[];
}

/** What an update would send, and how it differs from the service now. Sends nothing. */
export async function planUpdate(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  asked: ServiceSpec,
): Promise<UpdatePlan> {
  const service = findService(view, ref);
  const raw = await inspectServiceRaw(fleet, view.cluster, service.id);
  const networks = await networkNames(fleet, view.cluster, raw.Spec);
  const current = serviceSpecOf(raw.Spec, (id) => networks.get(id) ?? id).spec;
  if (asked.name !== current.name) throw new SwarmInputError("A service cannot be renamed; create a new one instead.");
  const currentMode = serviceSpecInput.shape.mode.parse(current.mode);
  if (asked.mode.kind !== currentMode.kind) {
    throw new SwarmInputError(
      `A ${currentMode.kind} service cannot become ${asked.mode.kind}; create a new one instead.`,
    );
  }
  const spec = unmask(asked, current);
  const refs = await resolveRefs(fleet, view.cluster, spec);
  const body = toServiceUpdate(raw.Spec, spec, refs);
  const parsedCurrent = serviceSpecInput.safeParse(current);
  const before = parsedCurrent.success ? parsedCurrent.data : spec;
  return {
    service,
    raw,
    body,
    changes: specChanges(raw.Spec, body),
    cliWords: updateWords(before, spec, service.name, raw.Spec),
  };
}

export function presentPlan(plan: UpdatePlan, context: string, reveal: boolean) {
  return {
    changes: plan.changes.map((c) => maskChange(c, reveal)),
    cli: dockerLine(context, plan.cliWords),
  };
}

/**
 * Called with the service as the engine answered the read a change is sent for, just before
 * sending it (the rollout tracker notes which rollout was the latest then).
 */
export type BeforeSend = (raw: RawService) => void;

/**
 * Sends an update body for the version read, once more on a race. `make` runs on the manager's
 * answer; it returns null when the service is no longer what the caller judged (nothing is sent).
 */
async function sendUpdate(
  fleet: Fleet,
  cluster: Cluster,
  id: string,
  what: string,
  make: (raw: RawService) => Json | null,
  query: Record<string, string> = {},
  beforeSend: BeforeSend = () => undefined,
) {
  // Every attempt shares one deadline: a retry never extends what the caller was promised.
  const until = performance.now() + SWARM_WRITE_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const deadlineMs = Math.max(1, until - performance.now());
      const served = await writeToManager(
        fleet,
        cluster,
        what,
        async (docker) => {
          const raw = await engineRequest<RawService>(docker, {
            method: "GET",
            path: `/services/${seg(id)}`,
            query: { insertDefaults: false },
          });
          const body = make(raw);
          if (!body) return null;
          beforeSend(raw);
          return engineRequest<{ Warnings?: string[] | null }>(docker, {
            method: "POST",
            path: `/services/${seg(id)}/update`,
            query: { version: raw.Version.Index, ...query },
            body,
          });
        },
        { deadlineMs },
      );
      if (!served.value)
        throw new SwarmConflictError(
          "The service changed while Stevedore was changing it; look at it again and retry.",
        );
      return { value: served.value, via: served.via };
    } catch (error) {
      const outOfSequence = error instanceof Error && /out of sequence/i.test(error.message);
      if (outOfSequence && attempt === 0) continue;
      if (outOfSequence)
        throw new SwarmConflictError(
          `The service changed while Stevedore was changing it; try again. (${error.message})`,
        );
      // An election under way: the service is read and the change sent again, for the version read then.
      if (isLeadershipChange(error) && attempt < 3 && until - performance.now() > 1_000) {
        await pause(300 * (attempt + 1));
        continue;
      }
      throw error;
    }
  }
}

/** Raft refused the proposal because leadership moved; the write was not applied as such. */
export function isLeadershipChange(error: unknown): boolean {
  return (
    error instanceof Error &&
    /lost leader|no leader|not the leader|leadership|raft: failed to process/i.test(error.message)
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function result(
  served: { value: { Warnings?: string[] | null }; via: { environmentId: string; name: string } },
  service: ServiceSummary,
  words: string[],
): ServiceActionResult {
  return {
    id: service.id,
    name: service.name,
    cli: dockerLine(served.via.name, words),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: served.value.Warnings ?? [],
  };
}

/** `docker service update`: the planned body, judged, sent for the version it was planned on. */
export async function updateService(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  spec: ServiceSpec,
  judge: ServiceJudge,
  describe: (v: Violation[]) => string,
  beforeSend: BeforeSend = () => undefined,
): Promise<ServiceActionResult> {
  const plan = await planUpdate(fleet, view, ref, spec);
  const violations = await judge(plan.body, "service.update");
  if (violations.length) refuse(violations, describe);
  beforeSend(plan.raw);
  const served = await writeToManager(fleet, view.cluster, "service update", (docker) =>
    engineRequest<{ Warnings?: string[] | null }>(docker, {
      method: "POST",
      path: `/services/${seg(plan.service.id)}/update`,
      query: { version: plan.raw.Version.Index },
      body: plan.body,
    }),
  ).catch((error: unknown) => {
    if (error instanceof Error && /out of sequence/i.test(error.message)) {
      throw new SwarmConflictError("The service changed since the form was read; look at it again and retry.");
    }
    throw error;
  });
  return result(served, plan.service, plan.cliWords);
}

/** `docker service scale name=N`. */
export async function scaleService(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  replicas: number,
): Promise<ServiceActionResult> {
  const service = findService(view, ref);
  if (service.mode !== "replicated" && service.mode !== "replicated-job") {
    throw new SwarmInputError(`${service.name} runs one task per node (${service.mode}): it cannot be scaled.`);
  }
  const served = await sendUpdate(fleet, view.cluster, service.id, "service scale", (raw) => {
    const spec = structuredClone(raw.Spec);
    const mode = spec.Mode as Json;
    if (mode.ReplicatedJob) (mode.ReplicatedJob as Json).TotalCompletions = replicas;
    else mode.Replicated = { ...(mode.Replicated ?? {}), Replicas: replicas };
    return spec;
  });
  return result(served, service, ["service", "scale", `${service.name}=${replicas}`]);
}

/** `docker service update --force`: every task is replaced, with the same spec. */
export async function redeployService(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  beforeSend?: BeforeSend,
): Promise<ServiceActionResult> {
  const service = findService(view, ref);
  const served = await sendUpdate(
    fleet,
    view.cluster,
    service.id,
    "service update --force",
    (raw) => {
      const spec = structuredClone(raw.Spec);
      const task = (spec.TaskTemplate ??= {}) as Json;
      task.ForceUpdate = (typeof task.ForceUpdate === "number" ? task.ForceUpdate : 0) + 1;
      return spec;
    },
    {},
    beforeSend,
  );
  return result(served, service, ["service", "update", "--force", service.name]);
}

/** `docker service rollback`: back to the previous spec, which is judged like any other. */
export async function rollbackService(
  fleet: Fleet,
  view: ClusterView,
  ref: string,
  judge: ServiceJudge,
  describe: (v: Violation[]) => string,
  beforeSend?: BeforeSend,
): Promise<ServiceActionResult> {
  const service = findService(view, ref);
  const judged = await inspectServiceRaw(fleet, view.cluster, service.id);
  if (!judged.PreviousSpec || !Object.keys(judged.PreviousSpec).length) {
    throw new SwarmInputError(`${service.name} has no previous spec to roll back to.`);
  }
  const violations = await judge(judged.PreviousSpec, "service.update");
  if (violations.length) refuse(violations, describe);
  const previous = JSON.stringify(judged.PreviousSpec);
  const served = await sendUpdate(
    fleet,
    view.cluster,
    service.id,
    "service rollback",
    // What was judged is what it goes back to, or nothing is sent.
    (raw) => (JSON.stringify(raw.PreviousSpec ?? null) === previous ? raw.Spec : null),
    { rollback: "previous" },
    beforeSend,
  );
  return result(served, service, ["service", "rollback", service.name]);
}

/** `docker service rm`. */
export async function removeService(fleet: Fleet, view: ClusterView, ref: string): Promise<ServiceActionResult> {
  const service = findService(view, ref);
  const served = await writeToManager(fleet, view.cluster, "service rm", (docker) =>
    engineRequest<unknown>(docker, { method: "DELETE", path: `/services/${seg(service.id)}` }),
  );
  return result({ value: {}, via: served.via }, service, ["service", "rm", service.name]);
}
