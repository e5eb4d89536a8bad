// A fake Docker engine on a unix socket, for measuring Stevedore at fleet scale (50 engines,
// 10,000 containers) on a machine that cannot run 50 real ones. It answers the calls the server
// makes for the containers list, Home and the live picture (/_ping, /version, /info, /events,
// /containers/json with its filters, /images/json, /volumes, /networks, one-shot stats and
// inspect), with payloads shaped like Debian's dockerd 20.10 answers on the test bed (captured
// from it: field names, nesting, the usual compose labels, a bridge network and a volume per
// container), and sends engine events on demand (a container stops or starts: the same
// kill/die/stop or start lines a real engine sends).
//
// It is cheap on purpose: every container's JSON is serialised once and kept, so a list costs
// little more than joining strings and the measurement is Stevedore's, not the fake's.
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import http from "node:http";

export interface FakeEngineOptions {
  /** 0-based engine number: names are e07-…, the engine is called fake-07. */
  index: number;
  socketPath: string;
  containers: number;
  /** Share of containers running (the rest exited or created). */
  runningShare?: number;
}

export type FakeState = "running" | "exited" | "created" | "paused";

interface FakeContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: FakeState;
  /** Unix seconds the container was created, and last started or stopped. */
  created: number;
  changedAt: number;
  project: string;
  service: string;
  number: number;
  port?: number;
  networkId: string;
  networkName: string;
  ip: string;
  json?: string;
}

export interface FakeEngineStats {
  requests: Map<string, number>;
  eventsWritten: number;
  eventStreams: number;
}

const API_VERSION = "1.41";
const ENGINE_VERSION = "20.10.24+dfsg1";
const IMAGES = [
  "nginx:1.25-alpine",
  "redis:7.2",
  "postgres:16.3",
  "registry.example.com/shop/api:2.3.1",
  "registry.example.com/shop/worker:2.3.1",
  "grafana/grafana:10.4.2",
  "prom/node-exporter:v1.8.1",
  "traefik:v3.0",
];
const SERVICES = ["web", "api", "worker", "db", "cache", "metrics"];

/** Deterministic hex of any length from a seed: ids that look like the engine's. */
function hex(seed: string, length = 64): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}:${i}`).digest("hex");
  return out.slice(0, length);
}

export function engineName(index: number): string {
  return `fake-${String(index).padStart(2, "0")}`;
}

/** The id of container j of engine i (what /containers/json says). */
export function containerIdOf(engine: number, container: number): string {
  return hex(`container-${engine}-${container}`);
}

/** Container j of engine i: e07-n0042 in its name, so a search for "n0042" finds one per engine. */
export function containerName(engine: number, container: number): string {
  return `app-e${String(engine).padStart(2, "0")}-n${String(container).padStart(4, "0")}`;
}

function relative(seconds: number): string {
  if (seconds < 1) return "Less than a second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? "About a minute" : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return hours === 1 ? "About an hour" : `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

export class FakeEngine {
  readonly name: string;
  readonly stats: FakeEngineStats = { requests: new Map(), eventsWritten: 0, eventStreams: 0 };
  private readonly server: http.Server;
  private readonly containers: FakeContainer[] = [];
  private readonly byId = new Map<string, FakeContainer>();
  private readonly streams = new Set<http.ServerResponse>();
  private readonly engineId: string;
  private readonly images: Array<{ name: string; id: string }>;
  private readonly networks: Array<{ name: string; id: string; subnet: string }>;
  private listCache: string | undefined;

  constructor(private readonly options: FakeEngineOptions) {
    this.name = engineName(options.index);
    this.engineId = hex(`engine-${options.index}`, 48).toUpperCase().match(/.{4}/g)!.slice(0, 12).join(":");
    this.images = IMAGES.map((name) => ({ name, id: `sha256:${hex(`image-${name}`)}` }));
    const now = Math.floor(Date.now() / 1000);
    const projects = Math.max(1, Math.ceil(options.containers / 20));
    this.networks = Array.from({ length: projects }, (_, p) => ({
      name: `proj${p}_default`,
      id: hex(`net-${options.index}-${p}`),
      subnet: `172.${18 + (p % 12)}.${Math.floor(p / 12) % 256}.0/24`,
    }));
    const running = options.runningShare ?? 0.7;
    for (let j = 0; j < options.containers; j++) {
      const p = Math.floor(j / 20);
      const image = this.images[j % this.images.length]!;
      const network = this.networks[p]!;
      const fraction = (j * 7919) % 100;
      const state: FakeState = fraction < running * 100 ? "running" : fraction < 95 ? "exited" : "created";
      const container: FakeContainer = {
        id: containerIdOf(options.index, j),
        name: containerName(options.index, j),
        image: image.name,
        imageId: image.id,
        state,
        created: now - 86_400 * (1 + (j % 30)) - j,
        changedAt: now - 3_600 * (1 + (j % 48)),
        project: `proj${p}`,
        service: SERVICES[j % SERVICES.length]!,
        number: 1 + (j % 3),
        ...(j % 3 === 0 ? { port: 8000 + (j % 1000) } : {}),
        networkId: network.id,
        networkName: network.name,
        ip: `172.${18 + (p % 12)}.${Math.floor(p / 12) % 256}.${2 + (j % 20)}`,
      };
      this.containers.push(container);
      this.byId.set(container.id, container);
    }
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  get socketPath(): string {
    return this.options.socketPath;
  }

  get url(): string {
    return `unix://${this.options.socketPath}`;
  }

  get containerCount(): number {
    return this.containers.length;
  }

  async listen(): Promise<void> {
    rmSync(this.options.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.socketPath, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.options.socketPath, { force: true });
  }

  /** The container's id, by its number on this engine. */
  containerId(container: number): string {
    const c = this.containers[container];
    if (!c) throw new Error(`${this.name} has no container ${container}`);
    return c.id;
  }

  stateOf(container: number): FakeState {
    return this.containers[container]!.state;
  }

  /**
   * Stops a running container or starts a stopped one, as `docker stop` / `docker start` would:
   * the state changes first, then the events go out. Returns the new state and when (ms since
   * the epoch) the events were written to the open event streams.
   */
  toggle(container: number): { state: FakeState; emittedAt: number } {
    const c = this.containers[container];
    if (!c) throw new Error(`${this.name} has no container ${container}`);
    const stopping = c.state === "running";
    c.state = stopping ? "exited" : "running";
    c.changedAt = Math.floor(Date.now() / 1000);
    c.json = undefined;
    this.listCache = undefined;
    const actions = stopping ? ["kill", "die", "stop"] : ["start"];
    const emittedAt = this.emit(actions.map((action) => this.event(c, action)));
    return { state: c.state, emittedAt };
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://engine");
    const path = url.pathname.replace(/^\/v1\.\d+/, "");
    const route = path.startsWith("/containers/") && path !== "/containers/json" ? routeOf(path) : path;
    this.stats.requests.set(route, (this.stats.requests.get(route) ?? 0) + 1);
    res.setHeader("Api-Version", API_VERSION);
    res.setHeader("Docker-Experimental", "false");
    res.setHeader("Ostype", "linux");
    res.setHeader("Server", `Docker/${ENGINE_VERSION} (linux)`);
    if (req.method === "GET" || req.method === "HEAD") {
      if (path === "/_ping") return this.text(res, "OK");
      if (path === "/version") return this.json(res, this.version());
      if (path === "/info") return this.json(res, this.info());
      if (path === "/events") return this.openEvents(req, res);
      if (path === "/containers/json") return this.raw(res, this.listContainers(url.searchParams));
      if (path === "/images/json") return this.json(res, this.imageList());
      if (path === "/volumes") return this.json(res, this.volumeList());
      if (path === "/networks") return this.json(res, this.networkList());
      const one = /^\/containers\/([^/]+)\/(json|stats)$/.exec(path);
      if (one) {
        const c = this.find(decodeURIComponent(one[1]!));
        if (!c) return this.json(res, { message: `No such container: ${one[1]}` }, 404);
        return this.json(res, one[2] === "json" ? this.inspect(c) : this.statsOf(c));
      }
    }
    this.json(res, { message: "page not found" }, 404);
  }

  private text(res: http.ServerResponse, body: string): void {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  private json(res: http.ServerResponse, value: unknown, status = 200): void {
    this.raw(res, `${JSON.stringify(value)}\n`, status);
  }

  private raw(res: http.ServerResponse, body: string, status = 200): void {
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  private openEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    this.streams.add(res);
    this.stats.eventStreams++;
    const done = () => this.streams.delete(res);
    req.on("close", done);
    res.on("close", done);
  }

  /** Writes the events to every open stream; returns the time they were written. */
  private emit(events: unknown[]): number {
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join("");
    const at = Date.now();
    for (const stream of this.streams) stream.write(text);
    this.stats.eventsWritten += events.length;
    return at;
  }

  private find(ref: string): FakeContainer | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    return this.containers.find((c) => c.id.startsWith(ref) || c.name === ref.replace(/^\//, ""));
  }

  // ---- payloads -----------------------------------------------------------------------------------

  private listContainers(query: URLSearchParams): string {
    const all = query.get("all") === "1" || query.get("all") === "true";
    const filters = parseFilters(query.get("filters"));
    const ids = filters.id;
    const names = filters.name;
    const plain = !ids && !names;
    if (plain && all && this.listCache) return this.listCache;
    const chosen = this.containers.filter(
      (c) =>
        (all || c.state === "running") &&
        (!ids || ids.some((id) => c.id.startsWith(id))) &&
        (!names || names.some((n) => c.name.includes(n.replace(/^\//, "")))),
    );
    const body = `[${chosen.map((c) => (c.json ??= JSON.stringify(this.summary(c)))).join(",")}]\n`;
    if (plain && all) this.listCache = body;
    return body;
  }

  /** The shape of /containers/json on dockerd 20.10, as captured on the test bed. */
  private summary(c: FakeContainer) {
    const now = Math.floor(Date.now() / 1000);
    const status =
      c.state === "running"
        ? `Up ${relative(now - c.changedAt)}`
        : c.state === "exited"
          ? `Exited (${c.service === "worker" ? 1 : 0}) ${relative(now - c.changedAt)} ago`
          : c.state === "paused"
            ? `Up ${relative(now - c.changedAt)} (Paused)`
            : "Created";
    return {
      Id: c.id,
      Names: [`/${c.name}`],
      Image: c.image,
      ImageID: c.imageId,
      Command: commandOf(c.service),
      Created: c.created,
      Ports: c.port ? [{ IP: "0.0.0.0", PrivatePort: 80, PublicPort: c.port, Type: "tcp" }] : [],
      Labels: this.labels(c),
      State: c.state,
      Status: status,
      HostConfig: { NetworkMode: c.networkName },
      NetworkSettings: {
        Networks: {
          [c.networkName]: {
            IPAMConfig: null,
            Links: null,
            Aliases: null,
            NetworkID: c.networkId,
            EndpointID: c.state === "running" ? hex(`endpoint-${c.id}`) : "",
            Gateway: c.state === "running" ? c.ip.replace(/\.\d+$/, ".1") : "",
            IPAddress: c.state === "running" ? c.ip : "",
            IPPrefixLen: c.state === "running" ? 24 : 0,
            IPv6Gateway: "",
            GlobalIPv6Address: "",
            GlobalIPv6PrefixLen: 0,
            MacAddress: c.state === "running" ? "02:42:ac:12:00:02" : "",
            DriverOpts: null,
          },
        },
      },
      Mounts: [
        {
          Type: "volume",
          Name: `${c.project}_${c.service}-data`,
          Source: `/var/lib/docker/volumes/${c.project}_${c.service}-data/_data`,
          Destination: "/data",
          Driver: "local",
          Mode: "z",
          RW: true,
          Propagation: "",
        },
      ],
    };
  }

  private labels(c: FakeContainer): Record<string, string> {
    return {
      "com.docker.compose.config-hash": hex(`config-${c.project}-${c.service}`),
      "com.docker.compose.container-number": String(c.number),
      "com.docker.compose.depends_on": c.service === "web" ? "api:service_started:false" : "",
      "com.docker.compose.image": c.imageId,
      "com.docker.compose.oneoff": "False",
      "com.docker.compose.project": c.project,
      "com.docker.compose.project.config_files": `/srv/${c.project}/compose.yaml`,
      "com.docker.compose.project.working_dir": `/srv/${c.project}`,
      "com.docker.compose.service": c.service,
      "com.docker.compose.version": "2.24.6",
      "org.opencontainers.image.title": c.image.replace(/:.*$/, ""),
    };
  }

  private event(c: FakeContainer, action: string) {
    const nano = BigInt(Date.now()) * 1_000_000n;
    const attributes: Record<string, string> = { ...this.labels(c), image: c.image, name: c.name };
    if (action === "die") attributes.exitCode = "137";
    if (action === "kill") attributes.signal = "15";
    return {
      status: action,
      id: c.id,
      from: c.image,
      Type: "container",
      Action: action,
      Actor: { ID: c.id, Attributes: attributes },
      scope: "local",
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
    };
  }

  private version() {
    return {
      Platform: { Name: "" },
      Components: [
        {
          Name: "Engine",
          Version: ENGINE_VERSION,
          Details: {
            ApiVersion: API_VERSION,
            Arch: "amd64",
            BuildTime: "2026-05-07T21:09:36.000000000+00:00",
            Experimental: "false",
            GitCommit: "5d6db84",
            GoVersion: "go1.19.8",
            KernelVersion: "6.1.0-21-amd64",
            MinAPIVersion: "1.12",
            Os: "linux",
          },
        },
        { Name: "containerd", Version: "1.6.20~ds1", Details: { GitCommit: "1.6.20~ds1-1+deb12u3" } },
        { Name: "runc", Version: "1.1.5+ds1", Details: { GitCommit: "1.1.5+ds1-1+deb12u1" } },
        { Name: "docker-init", Version: "0.19.0", Details: { GitCommit: "" } },
      ],
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: "1.12",
      GitCommit: "5d6db84",
      GoVersion: "go1.19.8",
      Os: "linux",
      Arch: "amd64",
      KernelVersion: "6.1.0-21-amd64",
      BuildTime: "2026-05-07T21:09:36.000000000+00:00",
    };
  }

  private info() {
    const running = this.containers.filter((c) => c.state === "running").length;
    const paused = this.containers.filter((c) => c.state === "paused").length;
    return {
      ID: this.engineId,
      Containers: this.containers.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: this.containers.length - running - paused,
      Images: this.images.length,
      Driver: "overlay2",
      DriverStatus: [
        ["Backing Filesystem", "extfs"],
        ["Supports d_type", "true"],
        ["Native Overlay Diff", "true"],
        ["userxattr", "false"],
      ],
      Plugins: {
        Volume: ["local"],
        Network: ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
        Authorization: null,
        Log: ["awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local", "syslog"],
      },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 34,
      NGoroutines: 46,
      SystemTime: new Date().toISOString(),
      LoggingDriver: "json-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: "1",
      NEventsListener: this.streams.size,
      KernelVersion: "6.1.0-21-amd64",
      OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
      OSVersion: "12",
      OSType: "linux",
      Architecture: "x86_64",
      IndexServerAddress: "https://index.docker.io/v1/",
      NCPU: 8,
      MemTotal: 33_554_432_000,
      DockerRootDir: "/var/lib/docker",
      HttpProxy: "",
      HttpsProxy: "",
      NoProxy: "",
      Name: this.name,
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: ENGINE_VERSION,
      Runtimes: { runc: { path: "runc" } },
      DefaultRuntime: "runc",
      Swarm: {
        NodeID: "",
        NodeAddr: "",
        LocalNodeState: "inactive",
        ControlAvailable: false,
        Error: "",
        RemoteManagers: null,
      },
      LiveRestoreEnabled: false,
      Isolation: "",
      InitBinary: "docker-init",
      SecurityOptions: ["name=seccomp,profile=default"],
      Warnings: null,
    };
  }

  private imageList() {
    return this.images.map((image, i) => ({
      Containers: -1,
      Created: 1_790_000_000 + i * 86_400,
      Id: image.id,
      Labels: { "org.opencontainers.image.title": image.name.replace(/:.*$/, "") },
      ParentId: "",
      RepoDigests: [`${image.name.replace(/:.*$/, "")}@sha256:${hex(`digest-${image.name}`)}`],
      RepoTags: [image.name],
      SharedSize: -1,
      Size: 20_000_000 + i * 7_000_000,
      VirtualSize: 20_000_000 + i * 7_000_000,
    }));
  }

  private volumeList() {
    const names = new Set(this.containers.map((c) => `${c.project}_${c.service}-data`));
    return {
      Volumes: [...names].map((name) => ({
        CreatedAt: "2026-11-01T09:00:00Z",
        Driver: "local",
        Labels: { "com.docker.compose.project": name.split("_")[0]!, "com.docker.compose.volume": name },
        Mountpoint: `/var/lib/docker/volumes/${name}/_data`,
        Name: name,
        Options: null,
        Scope: "local",
      })),
      Warnings: null,
    };
  }

  private networkList() {
    const base = (name: string, driver: string, subnet?: string) => ({
      Name: name,
      Id: hex(`net-${this.options.index}-${name}`),
      Created: "2026-11-01T09:00:00.000000000Z",
      Scope: "local",
      Driver: driver,
      EnableIPv6: false,
      IPAM: { Driver: "default", Options: null, Config: subnet ? [{ Subnet: subnet }] : [] },
      Internal: false,
      Attachable: false,
      Ingress: false,
      ConfigFrom: { Network: "" },
      ConfigOnly: false,
      Containers: {},
      Options: {},
      Labels: {},
    });
    return [
      base("none", "null"),
      base("host", "host"),
      base("bridge", "bridge", "172.17.0.0/16"),
      ...this.networks.map((n) => ({
        ...base(n.name, "bridge", n.subnet),
        Id: n.id,
        Labels: { "com.docker.compose.network": "default", "com.docker.compose.project": n.name.split("_")[0]! },
      })),
    ];
  }

  private inspect(c: FakeContainer) {
    const summary = this.summary(c);
    return {
      Id: c.id,
      Created: new Date(c.created * 1000).toISOString(),
      Path: commandOf(c.service).split(" ")[0],
      Args: commandOf(c.service).split(" ").slice(1),
      State: {
        Status: c.state,
        Running: c.state === "running",
        Paused: c.state === "paused",
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: c.state === "running" ? 4000 + (parseInt(c.id.slice(0, 4), 16) % 30000) : 0,
        ExitCode: 0,
        Error: "",
        StartedAt: new Date(c.changedAt * 1000).toISOString(),
        FinishedAt: "0001-01-01T00:00:00Z",
      },
      Image: c.imageId,
      Name: `/${c.name}`,
      RestartCount: 0,
      Driver: "overlay2",
      Platform: "linux",
      HostConfig: { NetworkMode: c.networkName, RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 } },
      Mounts: summary.Mounts,
      Config: {
        Hostname: c.id.slice(0, 12),
        Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        Cmd: commandOf(c.service).split(" "),
        Image: c.image,
        Labels: summary.Labels,
      },
      NetworkSettings: { Networks: summary.NetworkSettings.Networks, Ports: {} },
    };
  }

  private statsOf(c: FakeContainer) {
    const seed = parseInt(c.id.slice(0, 6), 16);
    const tick = Math.floor(Date.now() / 1000);
    const total = (seed % 1_000) * 1_000_000 + tick * 3_000_000;
    const memory = 20_000_000 + (seed % 200) * 1_000_000;
    return {
      read: new Date().toISOString(),
      preread: "0001-01-01T00:00:00Z",
      pids_stats: { current: 1 + (seed % 8) },
      blkio_stats: { io_service_bytes_recursive: [] },
      num_procs: 0,
      storage_stats: {},
      cpu_stats: {
        cpu_usage: { total_usage: total, usage_in_kernelmode: total / 4, usage_in_usermode: (total * 3) / 4 },
        system_cpu_usage: tick * 8_000_000_000,
        online_cpus: 8,
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      precpu_stats: {
        cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      memory_stats: {
        usage: memory,
        max_usage: memory * 2,
        stats: { total_inactive_file: 1_000_000, cache: 2_000_000, rss: memory - 2_000_000 },
        limit: 33_554_432_000,
      },
      name: `/${c.name}`,
      id: c.id,
      networks: {
        eth0: {
          rx_bytes: seed * 10,
          rx_packets: seed,
          rx_errors: 0,
          rx_dropped: 0,
          tx_bytes: seed * 5,
          tx_packets: seed,
          tx_errors: 0,
          tx_dropped: 0,
        },
      },
    };
  }
}

function routeOf(path: string): string {
  return path.replace(/^\/containers\/[^/]+/, "/containers/{id}");
}

function commandOf(service: string): string {
  switch (service) {
    case "web":
      return "/docker-entrypoint.sh nginx -g 'daemon off;'";
    case "db":
      return "docker-entrypoint.sh postgres";
    case "cache":
      return "docker-entrypoint.sh redis-server";
    default:
      return "/app/bin/server --config /etc/app/config.yaml";
  }
}

/** The engine's filters parameter: {"id": ["abc"]} or the older {"id": {"abc": true}}. */
function parseFilters(text: string | null): Record<string, string[] | undefined> {
  if (!text) return {};
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const out: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (Array.isArray(value)) out[key] = value.map(String);
      else if (value && typeof value === "object") out[key] = Object.keys(value);
    }
    return out;
  } catch {
    return {};
  }
}
