// Swarm nodes: the list (each node once, with the environment its engine is, when it is one),
// one node's details, and what `docker node update | promote | demote | rm` do, each refused
// up front where swarm would be left worse (the last manager) and answered with its CLI line.
import type { Fleet, NodeSummary, ServiceSummary, TaskSummary } from "../../docker/index";
import { trimNode } from "../../docker/resources";
import { environmentOfNode, type Cluster } from "./cluster";
import { dockerLine } from "./cli";
import { engineRequest, seg } from "./engine";
import { SwarmConflictError, SwarmNotFoundError, SwarmRefusedError } from "./errors";
import { readFromManager, SWARM_WRITE_DEADLINE_MS, writeToManager } from "./managers";
import { quorumAfter, quorumOf, type Quorum } from "./quorum";
import { isLeadershipChange } from "./services";
import type { ClusterView } from "./view";

export type Availability = "active" | "pause" | "drain";

export interface NodeRow extends NodeSummary {
  clusterId: string;
  /** the environment whose engine this node is, when it was added as one */
  environment?: { id: string; name: string };
  /** tasks meant to run here now */
  tasks: number;
}

/** A task as the node pages name it. */
export interface TaskRef {
  id: string;
  serviceId: string;
  serviceName: string;
  slot?: number;
  state: string;
}

export interface ActionResult {
  cli: string;
  /** the manager environment the change went through */
  via: { environmentId: string; name: string };
  warnings: string[];
}

interface RawNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role?: string; Availability?: string; Labels?: Record<string, string>; Name?: string };
  Status?: { State?: string };
  Description?: { Hostname?: string; Engine?: { Labels?: Record<string, string> } };
  ManagerStatus?: { Leader?: boolean };
}

export function nodeRows(view: ClusterView): NodeRow[] {
  const running = new Map<string, number>();
  for (const t of view.tasks) if (t.desiredState === "running") running.set(t.nodeId, (running.get(t.nodeId) ?? 0) + 1);
  return view.nodes.map((node) => {
    const env = environmentOfNode(view.cluster, node.id);
    return {
      ...node,
      clusterId: view.cluster.id,
      ...(env ? { environment: { id: env.environmentId, name: env.name } } : {}),
      tasks: running.get(node.id) ?? 0,
    };
  });
}

export function findNode(view: ClusterView, nodeId: string): NodeSummary {
  const node = view.nodes.find((n) => n.id === nodeId) ?? view.nodes.find((n) => n.hostname === nodeId);
  if (!node) throw new SwarmNotFoundError(`This swarm has no node ${nodeId}.`);
  return node;
}

/** How the CLI would name the node: its hostname where that is unambiguous, else its ID. */
export function nodeWord(view: ClusterView, node: Pick<NodeSummary, "id" | "hostname">): string {
  return node.hostname && view.nodes.filter((n) => n.hostname === node.hostname).length === 1 ? node.hostname : node.id;
}

function tasksOn(view: ClusterView, nodeId: string): Array<TaskSummary & { service?: ServiceSummary }> {
  const services = new Map(view.services.map((s) => [s.id, s]));
  return view.tasks
    .filter((t) => t.nodeId === nodeId && t.desiredState === "running")
    .map((t) => ({ ...t, service: services.get(t.serviceId) }));
}

function taskRef(t: TaskSummary & { service?: ServiceSummary }): TaskRef {
  return {
    id: t.id,
    serviceId: t.serviceId,
    serviceName: t.service?.name ?? t.serviceId,
    ...(t.slot !== undefined ? { slot: t.slot } : {}),
    state: t.state,
  };
}

export interface NodeDetail extends NodeRow {
  engineLabels: Record<string, string>;
  tasksHere: TaskRef[];
  quorum: Quorum;
}

export async function inspectNode(fleet: Fleet, view: ClusterView, nodeId: string): Promise<NodeDetail> {
  const known = findNode(view, nodeId);
  const served = await readFromManager(fleet, view.cluster, "node inspect", (docker) =>
    engineRequest<RawNode>(docker, { method: "GET", path: `/nodes/${seg(known.id)}` }),
  );
  const fresh = trimNode(served.value);
  const row = nodeRows({ ...view, nodes: view.nodes.map((n) => (n.id === fresh.id ? fresh : n)) }).find(
    (n) => n.id === fresh.id,
  )!;
  return {
    ...row,
    engineLabels: { ...(served.value.Description?.Engine?.Labels ?? {}) },
    tasksHere: tasksOn(view, fresh.id).map(taskRef),
    quorum: quorumOf(view.nodes),
  };
}

export interface AvailabilityPreview {
  node: { id: string; hostname: string; availability: string };
  availability: Availability;
  /** replicated tasks that swarm will start elsewhere */
  moving: TaskRef[];
  /** tasks that stop without a replacement (global services, jobs) */
  stopping: TaskRef[];
  note: string;
  cli: string;
}

/** What `docker node update --availability` would do to the tasks on that node, before it is done. */
export function availabilityPreview(
  view: ClusterView,
  nodeId: string,
  availability: Availability,
  context: string,
): AvailabilityPreview {
  const node = findNode(view, nodeId);
  const here = tasksOn(view, node.id);
  const moving = availability === "drain" ? here.filter((t) => t.service?.mode === "replicated").map(taskRef) : [];
  const stopping = availability === "drain" ? here.filter((t) => t.service?.mode !== "replicated").map(taskRef) : [];
  const note =
    availability === "drain"
      ? moving.length || stopping.length
        ? `Draining stops ${moving.length + stopping.length} task(s) here: replicated ones start again on other nodes; one-per-node (global) tasks and jobs simply stop.`
        : "Nothing runs here now: draining only keeps new tasks away."
      : availability === "pause"
        ? "Pausing keeps the tasks running here but sends no new ones."
        : "Active: the scheduler may place new tasks here (running tasks elsewhere do not move back by themselves).";
  return {
    node: { id: node.id, hostname: node.hostname, availability: node.availability },
    availability,
    moving,
    stopping,
    note,
    cli: dockerLine(context, ["node", "update", "--availability", availability, nodeWord(view, node)]),
  };
}

/**
 * Reads the node and writes its changed spec on the same manager, naming the version read; a
 * change that raced another is read and tried once more.
 */
async function updateNodeSpec(
  fleet: Fleet,
  cluster: Cluster,
  nodeId: string,
  what: string,
  change: (spec: RawNode["Spec"], node: RawNode) => RawNode["Spec"],
) {
  const until = performance.now() + SWARM_WRITE_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const deadlineMs = Math.max(1, until - performance.now());
      return await writeToManager(
        fleet,
        cluster,
        what,
        async (docker) => {
          const node = await engineRequest<RawNode>(docker, { method: "GET", path: `/nodes/${seg(nodeId)}` });
          await engineRequest(docker, {
            method: "POST",
            path: `/nodes/${seg(nodeId)}/update`,
            query: { version: node.Version.Index },
            body: change({ ...node.Spec }, node),
          });
          return node;
        },
        { deadlineMs },
      );
    } catch (error) {
      if (attempt === 0 && error instanceof Error && /out of sequence/i.test(error.message)) continue;
      // An election under way: read and send again, for the version read then.
      if (isLeadershipChange(error) && attempt < 3 && until - performance.now() > 1_000) {
        await new Promise((resolve) => setTimeout(resolve, 300 * (attempt + 1)));
        continue;
      }
      if (error instanceof Error && /out of sequence/i.test(error.message)) {
        throw new SwarmConflictError(`The node changed while Stevedore was changing it; try again. (${error.message})`);
      }
      throw error;
    }
  }
}

export async function setAvailability(
  fleet: Fleet,
  view: ClusterView,
  nodeId: string,
  availability: Availability,
): Promise<ActionResult> {
  const node = findNode(view, nodeId);
  const served = await updateNodeSpec(fleet, view.cluster, node.id, "node update", (spec) => ({
    ...spec,
    Availability: availability,
  }));
  return {
    cli: dockerLine(served.via.name, ["node", "update", "--availability", availability, nodeWord(view, node)]),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: [],
  };
}

export interface RolePreview {
  node: { id: string; hostname: string; role: string };
  role: "manager" | "worker";
  before: Quorum;
  after: Quorum;
  /** why it is refused, when it is */
  refusal?: string;
  warnings: string[];
  cli: string;
}

export function rolePreview(
  view: ClusterView,
  nodeId: string,
  role: "manager" | "worker",
  context: string,
): RolePreview {
  const node = findNode(view, nodeId);
  const before = quorumOf(view.nodes);
  const after = quorumAfter(view.nodes, node.id, role);
  let refusal: string | undefined;
  if (role === "worker" && node.role === "manager" && before.managers <= 1) {
    refusal = `${node.hostname} is the swarm's last manager: demoting it would leave nobody to run the swarm. Promote another node first.`;
  }
  const warnings =
    node.role === role ? [] : after.warnings.filter((w) => !before.warnings.includes(w) || !after.hasMajority);
  return {
    node: { id: node.id, hostname: node.hostname, role: node.role },
    role,
    before,
    after,
    ...(refusal ? { refusal } : {}),
    warnings,
    cli: dockerLine(context, ["node", role === "manager" ? "promote" : "demote", nodeWord(view, node)]),
  };
}

export async function setRole(
  fleet: Fleet,
  view: ClusterView,
  nodeId: string,
  role: "manager" | "worker",
): Promise<ActionResult> {
  const preview = rolePreview(view, nodeId, role, "");
  if (preview.refusal) throw new SwarmRefusedError(preview.refusal);
  const node = findNode(view, nodeId);
  const served = await updateNodeSpec(
    fleet,
    view.cluster,
    node.id,
    role === "manager" ? "node promote" : "node demote",
    (spec) => ({
      ...spec,
      Role: role,
    }),
  );
  return {
    cli: dockerLine(served.via.name, ["node", role === "manager" ? "promote" : "demote", nodeWord(view, node)]),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: preview.warnings,
  };
}

/** A label key as the engine takes it: anything printable without "=", within reason. */
export const LABEL_KEY = /^[^=\p{Cc}]{1,256}$/u;

export async function changeLabels(
  fleet: Fleet,
  view: ClusterView,
  nodeId: string,
  change: { add?: Record<string, string>; remove?: string[] },
): Promise<ActionResult> {
  const node = findNode(view, nodeId);
  const add = change.add ?? {};
  const remove = (change.remove ?? []).filter((k) => !(k in add));
  const served = await updateNodeSpec(fleet, view.cluster, node.id, "node update", (spec) => {
    const labels = { ...(spec.Labels ?? {}) };
    for (const key of remove) delete labels[key];
    Object.assign(labels, add);
    return { ...spec, Labels: labels };
  });
  const words = [
    "node",
    "update",
    ...Object.entries(add).flatMap(([k, v]) => ["--label-add", `${k}=${v}`]),
    ...remove.flatMap((k) => ["--label-rm", k]),
    nodeWord(view, node),
  ];
  return {
    cli: dockerLine(served.via.name, words),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: [],
  };
}

export async function removeNode(
  fleet: Fleet,
  view: ClusterView,
  nodeId: string,
  force: boolean,
): Promise<ActionResult> {
  const node = findNode(view, nodeId);
  if (node.role === "manager") {
    throw new SwarmRefusedError(`${node.hostname} is a manager: demote it first, then remove it.`);
  }
  if (node.state !== "down" && !force) {
    throw new SwarmRefusedError(
      `${node.hostname} is ${node.state}: only a down node can be removed. Drain it and have its engine leave the swarm (docker swarm leave there) first, or remove it with force.`,
    );
  }
  const served = await writeToManager(fleet, view.cluster, "node rm", (docker) =>
    engineRequest(docker, { method: "DELETE", path: `/nodes/${seg(node.id)}`, query: force ? { force: true } : {} }),
  );
  return {
    cli: dockerLine(served.via.name, ["node", "rm", ...(force ? ["--force"] : []), nodeWord(view, node)]),
    via: { environmentId: served.via.environmentId, name: served.via.name },
    warnings: [],
  };
}
