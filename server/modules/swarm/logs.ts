// A service's logs, merged across its tasks by a manager (GET /services/{id}/logs gathers them
// from every node), each line led by the task it came from as `docker service logs` writes
// it: `web.2.k3l9x0q2m4pa@swarm-w1 | message`. Read like a container's logs (pulled by the
// reader, batches of whole lines, stdout and stderr told apart), so the same viewer shows them.
import type { Readable } from "node:stream";
import { LogLineSplitter, pulled, type Fleet, type LogBatch, type LogOptions } from "../../docker/index";
import type { Cluster, ClusterMember } from "./cluster";
import { seg } from "./engine";
import { NoManagerError } from "./errors";
import { candidatesOf } from "./managers";
import type { ClusterView } from "./view";

/** How long one manager has to start sending before the next is asked. */
const OPEN_ATTEMPT_MS = 2_000;
const DETAIL_KEYS = ["com.docker.swarm.node.id", "com.docker.swarm.service.id", "com.docker.swarm.task.id"];

export type ServiceLogOptions = LogOptions;

/** Task id -> "web.2.k3l9x0q2m4pa@swarm-w1", from what the cluster's picture knows. */
export function taskLabels(view: ClusterView, serviceId: string): (taskId: string, nodeId: string) => string {
  const service = view.services.find((s) => s.id === serviceId);
  const tasks = new Map(view.tasks.map((t) => [t.id, t]));
  const nodes = new Map(view.nodes.map((n) => [n.id, n.hostname]));
  return (taskId, nodeId) => {
    const task = tasks.get(taskId);
    const name = service?.name ?? serviceId.slice(0, 12);
    const slot = task?.slot !== undefined && task.slot > 0 ? `.${task.slot}` : "";
    return `${name}${slot}.${taskId.slice(0, 12)}@${nodes.get(nodeId) ?? nodeId.slice(0, 12)}`;
  };
}

/**
 * One engine line ("[time ]key=v,key=v message") as the CLI shows it ("[time ]label | message").
 * A line without the details the engine adds is passed through as it is.
 */
export function relabel(line: string, timestamps: boolean, label: (taskId: string, nodeId: string) => string): string {
  let rest = line;
  let time = "";
  if (timestamps) {
    const space = rest.indexOf(" ");
    if (space > 0) {
      time = rest.slice(0, space + 1);
      rest = rest.slice(space + 1);
    }
  }
  const space = rest.indexOf(" ");
  const details = space >= 0 ? rest.slice(0, space) : rest;
  if (!details.includes("com.docker.swarm.")) return line;
  const attributes = new Map<string, string>();
  for (const pair of details.split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) attributes.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  if (!DETAIL_KEYS.every((k) => attributes.has(k))) return line;
  const message = space >= 0 ? rest.slice(space + 1) : "";
  return `${time}${label(attributes.get("com.docker.swarm.task.id")!, attributes.get("com.docker.swarm.node.id")!)} | ${message}`;
}

function relabelBatch(
  batch: LogBatch,
  timestamps: boolean,
  label: (taskId: string, nodeId: string) => string,
): LogBatch {
  return {
    text: batch.text
      .split("\n")
      .map((l) => relabel(l, timestamps, label))
      .join("\n"),
    runs: batch.runs,
  };
}

async function openOn(
  fleet: Fleet,
  member: ClusterMember,
  serviceId: string,
  options: LogOptions,
  deadlineMs: number,
  signal: AbortSignal,
) {
  const query = {
    details: true,
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    follow: options.follow,
    tail: options.tail === "all" ? "all" : String(options.tail),
    timestamps: options.timestamps,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  const tty = await fleet.call(
    member.environmentId,
    "service inspect",
    async (docker) => {
      const service = (await docker.getService(serviceId).inspect()) as {
        Spec?: { TaskTemplate?: { ContainerSpec?: { TTY?: boolean } } };
      };
      return service.Spec?.TaskTemplate?.ContainerSpec?.TTY === true;
    },
    { deadlineMs, signal },
  );
  const stream = await fleet.openStream<Readable>(
    member.environmentId,
    "service logs",
    (docker) =>
      new Promise<Readable>((resolve, reject) => {
        docker.modem.dial(
          {
            path: `/services/${seg(serviceId)}/logs?`,
            method: "GET",
            isStream: true,
            statusCodes: { 200: true, 404: "no such service", 500: "server error", 503: "node is not part of a swarm" },
            options: query,
          },
          (error: Error | null, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
        );
      }),
    { deadlineMs, signal },
  );
  return { stream, tty };
}

/** The merged log stream, opened on a manager that answers (each gets a moment, in turn). */
async function openServiceLogs(
  fleet: Fleet,
  cluster: Cluster,
  serviceId: string,
  options: LogOptions,
  signal: AbortSignal,
) {
  const attempts: { environmentId: string; name: string; problem: string }[] = [];
  for (const member of candidatesOf(fleet, cluster)) {
    try {
      return await openOn(fleet, member, serviceId, options, OPEN_ATTEMPT_MS, signal);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // The service is missing, or the engine refused the request: another manager says the same.
      if (code === "not-found" || code === "engine" || signal.aborted) throw error;
      attempts.push({
        environmentId: member.environmentId,
        name: member.name,
        problem: error instanceof Error ? error.message : String(error),
      });
    }
  }
  throw new NoManagerError("No manager of this swarm could send the logs.", attempts);
}

/** Batches of whole lines, each led by its task; follows when asked; ends when `signal` aborts. */
export async function* serviceLogs(
  fleet: Fleet,
  view: ClusterView,
  serviceId: string,
  options: ServiceLogOptions,
  signal: AbortSignal,
): AsyncGenerator<LogBatch> {
  const { stream, tty } = await openServiceLogs(fleet, view.cluster, serviceId, options, signal);
  const label = taskLabels(view, serviceId);
  const splitter = new LogLineSplitter(!tty);
  try {
    for await (const chunk of pulled(stream, signal)) {
      const batch = splitter.push(chunk);
      if (batch) yield relabelBatch(batch, options.timestamps, label);
    }
    const rest = splitter.flush();
    if (rest) yield relabelBatch(rest, options.timestamps, label);
  } finally {
    stream.destroy();
  }
}

/** The same lines as text, for a download (no follow). */
export async function* serviceLogText(
  fleet: Fleet,
  view: ClusterView,
  serviceId: string,
  options: Omit<ServiceLogOptions, "follow">,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  for await (const batch of serviceLogs(fleet, view, serviceId, { ...options, follow: false }, signal)) {
    yield Buffer.from(`${batch.text}\n`, "utf8");
  }
}
