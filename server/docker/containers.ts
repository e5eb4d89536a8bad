// Acting on one container: the engine calls behind `docker container start|stop|...|rm`
// and `inspect`, each within the fleet's deadline. Inspect returns a trimmed view; what of
// it a caller may see (secret-looking env values) is decided above this layer.
import type Docker from "dockerode";
import type { Fleet } from "./fleet";

export type ContainerAction =
  | { action: "start" }
  | { action: "stop"; timeoutSeconds?: number }
  | { action: "restart"; timeoutSeconds?: number }
  | { action: "kill"; signal?: string }
  | { action: "pause" }
  | { action: "unpause" }
  | { action: "rename"; name: string }
  | { action: "remove"; force?: boolean; volumes?: boolean };

/** Long enough for a stop that waits for the container's own grace period. */
function deadlineFor(action: ContainerAction): number {
  if (action.action === "stop" || action.action === "restart") return ((action.timeoutSeconds ?? 10) + 10) * 1000;
  return 15_000;
}

/** Only a timeout that was given: the engine's default (the container's own) otherwise. */
function timeout(seconds: number | undefined): { t?: number } {
  return seconds === undefined ? {} : { t: seconds };
}

export function runContainerAction(fleet: Fleet, environmentId: string, id: string, action: ContainerAction) {
  return fleet.call(
    environmentId,
    `container ${action.action}`,
    // The fleet's modem carries the call's abort signal on every request.
    async (docker: Docker) => {
      const container = docker.getContainer(id);
      switch (action.action) {
        case "start":
          return void (await container.start());
        case "stop":
          return void (await container.stop(timeout(action.timeoutSeconds)));
        case "restart":
          return void (await container.restart(timeout(action.timeoutSeconds)));
        case "kill":
          return void (await container.kill({ signal: action.signal ?? "SIGKILL" }));
        case "pause":
          return void (await container.pause());
        case "unpause":
          return void (await container.unpause());
        case "rename":
          return void (await container.rename({ name: action.name }));
        case "remove":
          return void (await container.remove({ force: action.force ?? false, v: action.volumes ?? false }));
      }
    },
    { deadlineMs: deadlineFor(action) },
  );
}

/**
 * The words after `docker` that do the same, shown beside each action (the caller adds which
 * environment). `container` is the name people know it by, the id only where it has none.
 */
export function cliWordsFor(container: string, action: ContainerAction): string[] {
  switch (action.action) {
    case "stop":
    case "restart":
      return [
        "container",
        action.action,
        ...(action.timeoutSeconds !== undefined ? ["-t", String(action.timeoutSeconds)] : []),
        container,
      ];
    case "kill":
      return ["container", "kill", ...(action.signal ? ["-s", action.signal] : []), container];
    case "rename":
      return ["container", "rename", container, action.name];
    case "remove":
      return ["container", "rm", ...(action.force ? ["-f"] : []), ...(action.volumes ? ["-v"] : []), container];
    default:
      return ["container", action.action, container];
  }
}

export interface ContainerDetail {
  id: string;
  name: string;
  image: string;
  imageId: string;
  created: string;
  state: {
    status: string;
    running: boolean;
    paused: boolean;
    restarting: boolean;
    exitCode: number;
    startedAt: string;
    finishedAt: string;
    error: string;
    health?: { status: string; failingStreak: number; log: { start: string; exitCode: number; output: string }[] };
  };
  restartCount: number;
  command: string[];
  entrypoint: string[];
  user: string;
  workingDir: string;
  hostname: string;
  tty: boolean;
  stopSignal: string;
  platform: string;
  env: { name: string; value: string }[];
  labels: Record<string, string>;
  mounts: { type: string; source: string; destination: string; mode: string; rw: boolean; name?: string }[];
  ports: { containerPort: string; hostIp: string; hostPort: string }[];
  networks: { name: string; ip: string; ipv6: string; gateway: string; mac: string; aliases: string[] }[];
  networkMode: string;
  restartPolicy: { name: string; maximumRetryCount: number };
  resources: {
    memory: number;
    memoryReservation: number;
    memorySwap: number;
    nanoCpus: number;
    cpuShares: number;
    cpuQuota: number;
    cpuPeriod: number;
    cpusetCpus: string;
    pidsLimit: number | null;
  };
  privileged: boolean;
}

type Inspect = Awaited<ReturnType<Docker.Container["inspect"]>>;

function trimInspect(raw: Inspect): ContainerDetail {
  const asList = (v: string | string[] | null | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
  const health = (
    raw.State as {
      Health?: { Status: string; FailingStreak: number; Log?: { Start: string; ExitCode: number; Output: string }[] };
    }
  ).Health;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ""),
    image: raw.Config.Image,
    imageId: raw.Image,
    created: raw.Created,
    state: {
      status: raw.State.Status,
      running: raw.State.Running,
      paused: raw.State.Paused,
      restarting: raw.State.Restarting,
      exitCode: raw.State.ExitCode,
      startedAt: raw.State.StartedAt,
      finishedAt: raw.State.FinishedAt,
      error: raw.State.Error,
      health: health
        ? {
            status: health.Status,
            failingStreak: health.FailingStreak,
            log: (health.Log ?? []).map((l) => ({
              start: l.Start,
              exitCode: l.ExitCode,
              output: l.Output.slice(0, 4096),
            })),
          }
        : undefined,
    },
    restartCount: raw.RestartCount,
    command: asList(raw.Config.Cmd),
    entrypoint: asList(raw.Config.Entrypoint),
    user: raw.Config.User,
    workingDir: raw.Config.WorkingDir,
    hostname: raw.Config.Hostname,
    tty: raw.Config.Tty ?? false,
    stopSignal: (raw.Config as { StopSignal?: string }).StopSignal ?? "",
    platform: (raw as { Platform?: string }).Platform ?? "",
    env: (raw.Config.Env ?? []).map((entry) => {
      const eq = entry.indexOf("=");
      return eq < 0 ? { name: entry, value: "" } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
    }),
    labels: raw.Config.Labels ?? {},
    mounts: (raw.Mounts ?? []).map((m) => ({
      type: m.Type ?? "",
      source: m.Source,
      destination: m.Destination,
      mode: m.Mode,
      rw: m.RW,
      name: m.Name,
    })),
    ports: Object.entries(raw.NetworkSettings.Ports ?? {}).flatMap(([containerPort, bindings]) =>
      (bindings ?? [{ HostIp: "", HostPort: "" }]).map((b) => ({
        containerPort,
        hostIp: b.HostIp,
        hostPort: b.HostPort,
      })),
    ),
    networks: Object.entries(raw.NetworkSettings.Networks ?? {}).map(([name, n]) => ({
      name,
      ip: n.IPAddress,
      ipv6: n.GlobalIPv6Address ?? "",
      gateway: n.Gateway,
      mac: n.MacAddress,
      aliases: (n.Aliases as string[] | null | undefined) ?? [],
    })),
    networkMode: raw.HostConfig.NetworkMode ?? "",
    restartPolicy: {
      name: raw.HostConfig.RestartPolicy?.Name ?? "",
      maximumRetryCount: raw.HostConfig.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    resources: {
      memory: raw.HostConfig.Memory ?? 0,
      memoryReservation: raw.HostConfig.MemoryReservation ?? 0,
      memorySwap: raw.HostConfig.MemorySwap ?? 0,
      nanoCpus: raw.HostConfig.NanoCpus ?? 0,
      cpuShares: raw.HostConfig.CpuShares ?? 0,
      cpuQuota: raw.HostConfig.CpuQuota ?? 0,
      cpuPeriod: raw.HostConfig.CpuPeriod ?? 0,
      cpusetCpus: raw.HostConfig.CpusetCpus ?? "",
      pidsLimit: raw.HostConfig.PidsLimit ?? null,
    },
    privileged: raw.HostConfig.Privileged ?? false,
  };
}

export function inspectContainer(fleet: Fleet, environmentId: string, id: string): Promise<ContainerDetail> {
  return fleet.call(environmentId, "container inspect", async (docker) =>
    trimInspect(await docker.getContainer(id).inspect()),
  );
}

/**
 * The engine's inspect document as it is, for the raw view. It holds the environment in
 * Config.Env: whoever shows it masks that first.
 */
export function inspectContainerRaw(fleet: Fleet, environmentId: string, id: string): Promise<Inspect> {
  return fleet.call(environmentId, "container inspect", (docker) => docker.getContainer(id).inspect());
}
