// The corpus proof: every compose file under corpus/ is deployed on the test bed swarm once by
// the docker CLI (`docker stack deploy`) and once through this module under another stack
// name; the resulting service, network, secret and config specs must be equal field by field
// once names are normalised. Then adoption: each CLI stack is adopted, the adopted file is
// redeployed through the module onto the same stack, and no spec changes, no task restarts.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "@/server/testing/testbed-env";
import { adoptStack, deployStack, encodeRegistryAuth, LABEL_NAMESPACE, prepareStack, removeStack } from "./index";

const run = promisify(execFile);
const corpusDir = path.resolve(import.meta.dirname, "corpus");
const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const registry = need(testbed, "TESTBED_REGISTRY");
const docker = new Docker({ socketPath: socket, version: "v1.41" });
const registryAuth = encodeRegistryAuth({
  username: need(testbed, "TESTBED_REGISTRY_USER"),
  password: need(testbed, "TESTBED_REGISTRY_PASSWORD"),
  serveraddress: registry,
});

const EXTERNAL_NETWORK = "h7-corpus-external";
const EXTERNAL_SECRET = "h7-corpus-external-secret";
const EXTERNAL_CONFIG = "h7-corpus-external-config";

type Obj = Record<string, unknown>;

interface Side {
  stack: string;
  env: Record<string, string>;
  /** values that differ between the two sides on purpose, mapped to placeholders */
  tokens: [string | number, string][];
}

async function call<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `${urlPath}${urlPath.includes("?") ? "&" : "?"}`,
        method,
        options: body === undefined ? {} : { _body: body },
        statusCodes: {
          200: true,
          201: true,
          204: true,
          404: "not found",
          409: "conflict",
          500: "server error",
          400: "bad",
        },
      },
      (error, data) => (error ? reject(error) : resolve(data as T)),
    );
  });
}

const labelQuery = (stack: string) =>
  `filters=${encodeURIComponent(JSON.stringify({ label: [`${LABEL_NAMESPACE}=${stack}`] }))}`;

/** Runs `work` over items, `size` at a time; after a failure starts nothing new, waits for the rest. */
async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  let failed = false;
  const results = await Promise.allSettled(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined && !failed; item = queue.shift()) {
        try {
          await work(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
}

/**
 * docker stack deploy; again, a moment later, when the engine has not yet seen the network the
 * CLI just made (engine 20.10, more often the more deploys run at once).
 */
async function cliDeploy(args: string[], env: Record<string, string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout, stderr } = await run("docker", args, {
        env: { ...env, PATH: process.env.PATH ?? "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
        cwd: corpusDir,
      });
      return stdout + stderr;
    } catch (error) {
      if (attempt < 5 && /network \S+ not found/.test(String((error as { stderr?: string }).stderr))) {
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        continue;
      }
      throw error;
    }
  }
}

function normalize(value: unknown, side: Side, ids: Map<string, string>): unknown {
  if (typeof value === "string") {
    let text = ids.get(value) ?? value;
    for (const [from, to] of side.tokens) if (typeof from === "string") text = text.replaceAll(from, to);
    return text;
  }
  if (typeof value === "number") return side.tokens.find(([from]) => from === value)?.[1] ?? value;
  if (Array.isArray(value)) return value.map((v) => normalize(v, side, ids));
  if (value && typeof value === "object") {
    const out: Obj = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "SecretID" || key === "ConfigID") out[key] = "<id>";
      else out[key] = normalize(v, side, ids);
    }
    return out;
  }
  return value;
}

interface Snapshot {
  services: Record<string, unknown>;
  networks: Record<string, unknown>;
  secrets: Record<string, unknown>;
  configs: Record<string, unknown>;
}

/**
 * Until swarm's allocator has taken each network of the stack, the manager lists it without its
 * driver and IPAM: a snapshot taken a moment after a deploy (more likely on a loaded machine)
 * would compare that passing state. Waits until each has its driver, for 60 s at most: the
 * comparison, not this wait, says what differs when that state stays.
 */
async function networksAllocated(side: Side): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const networks = await call<Obj[]>("GET", `/networks?${labelQuery(side.stack)}`);
    if (networks.every((n) => Boolean(n.Driver))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function snapshot(side: Side): Promise<Snapshot> {
  await networksAllocated(side);
  const allNetworks = await call<Obj[]>("GET", "/networks");
  const ids = new Map(allNetworks.map((n) => [String(n.Id), String(n.Name)]));
  const services = await call<{ Spec: Obj & { Name: string } }[]>("GET", `/services?${labelQuery(side.stack)}`);
  const networks = await call<Obj[]>("GET", `/networks?${labelQuery(side.stack)}`);
  const secrets = await call<{ Spec: Obj & { Name: string } }[]>("GET", `/secrets?${labelQuery(side.stack)}`);
  const configs = await call<{ Spec: Obj & { Name: string } }[]>("GET", `/configs?${labelQuery(side.stack)}`);
  const key = (name: string) => String(normalize(name, side, new Map()));
  return {
    services: Object.fromEntries(services.map((s) => [key(s.Spec.Name), normalize(s.Spec, side, ids)])),
    networks: Object.fromEntries(
      networks.map((n) => {
        const ipam = (n.IPAM ?? {}) as Obj;
        const options = { ...((n.Options ?? {}) as Obj) };
        delete options["com.docker.network.driver.overlay.vxlanid_list"];
        const spec = {
          Name: n.Name,
          Driver: n.Driver,
          Scope: n.Scope,
          EnableIPv6: n.EnableIPv6,
          Internal: n.Internal,
          Attachable: n.Attachable,
          Ingress: n.Ingress,
          ConfigOnly: n.ConfigOnly,
          Options: options,
          Labels: n.Labels,
          IPAM: {
            Driver: ipam.Driver,
            Options: ipam.Options,
            // swarm picks the subnet of a network that names none (from its default pool,
            // 10.0.0.0/8: 10.0.x.0/24 first, 10.1.x.0/24 once a test bed has made 256
            // networks): only how many. The one subnet the corpus names is 10.123.<side>.0/24.
            Config: ((ipam.Config as Obj[] | null) ?? []).map((c) =>
              /^10\.(?!123\.)/.test(String(c.Subnet)) ? "<auto>" : normalize(c.Subnet, side, new Map()),
            ),
          },
        };
        return [key(String(n.Name)), normalize(spec, side, new Map())];
      }),
    ),
    secrets: Object.fromEntries(secrets.map((s) => [key(s.Spec.Name), normalize(s.Spec, side, new Map())])),
    configs: Object.fromEntries(configs.map((c) => [key(c.Spec.Name), normalize(c.Spec, side, new Map())])),
  };
}

const files = (await fs.readdir(corpusDir)).filter((f) => f.endsWith(".yml")).sort();
let dockerConfig = "";
const sides = new Map<string, { cli: Side; module: Side; cliOutput: string; moduleWarnings: string[] }>();

/**
 * This run's mark in every stack name. A name of an earlier run can still be taken: engine
 * 20.10 may keep listing a removed stack's network on the manager (its load balancer endpoint
 * left behind, seen after a stack of jobs) while swarm no longer has it; a deploy under that
 * name then finds "its" network and fails with "network ... not found".
 */
const RUN = Math.floor(Math.random() * 36 ** 3)
  .toString(36)
  .padStart(3, "0");
/** A corpus stack's name, of this run or an earlier one (the one without a mark is older). */
const CORPUS_STACK = /^sd[cs]\d\d(?:[0-9a-z]{3})?$/;

function sideFor(file: string, who: "c" | "s"): Side {
  const n = files.indexOf(file) + 1;
  const stack = `sd${who}${String(n).padStart(2, "0")}${RUN}`;
  const base = who === "c" ? 1 : 2;
  const ports = {
    HOST_PORT_A: 10080 + base * 1000,
    HOST_PORT_B: 10053 + base * 1000,
    INGRESS_PORT: 10081 + base * 1000,
  };
  const udp = `${19000 + base * 100}-${19001 + base * 100}`;
  return {
    stack,
    env: {
      STACK: stack,
      CORPUS_VALUE: "from-env",
      BARE: "bare-from-env",
      BARE_FROM_ENV: "bare-from-file",
      EMPTY: "filled-from-env",
      REGISTRY: registry,
      SUBNET: `10.123.${base}.0/24`,
      UDP_RANGE: udp,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DOCKER_API_VERSION: "1.41",
      DOCKER_CONFIG: dockerConfig,
    },
    tokens: [
      [stack, "<stack>"],
      [`10.123.${base}.`, "10.123.<side>."],
      ...Object.entries(ports).map(([k, v]) => [v, `<${k}>`] as [number, string]),
      [19000 + base * 100, "<UDP_A>"],
      [19001 + base * 100, "<UDP_B>"],
    ],
  };
}

let started = 0;
beforeAll(async () => {
  started = Date.now();
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), "h7-corpus-docker-"));
  const basic = Buffer.from(
    `${need(testbed, "TESTBED_REGISTRY_USER")}:${need(testbed, "TESTBED_REGISTRY_PASSWORD")}`,
  ).toString("base64");
  await fs.writeFile(
    path.join(dockerConfig, "config.json"),
    JSON.stringify({ auths: { [registry]: { auth: basic } } }),
  );
  await call("POST", "/networks/create", {
    Name: EXTERNAL_NETWORK,
    Driver: "overlay",
    Attachable: true,
    CheckDuplicate: true,
  }).catch(() => {});
  await call("POST", "/secrets/create", {
    Name: EXTERNAL_SECRET,
    Data: Buffer.from("external").toString("base64"),
  }).catch(() => {});
  await call("POST", "/configs/create", {
    Name: EXTERNAL_CONFIG,
    Data: Buffer.from("external").toString("base64"),
  }).catch(() => {});

  // What an interrupted earlier run left behind: its stacks have other names than this run's,
  // so nothing here waits for them to go.
  const namespaces = new Set<string>();
  for (const kind of ["services", "networks", "secrets", "configs"]) {
    const listed = await call<{ Labels?: Record<string, string>; Spec?: { Labels?: Record<string, string> } }[]>(
      "GET",
      `/${kind}?filters=${encodeURIComponent(JSON.stringify({ label: [LABEL_NAMESPACE] }))}`,
    );
    for (const item of listed) {
      const namespace = (item.Spec?.Labels ?? item.Labels ?? {})[LABEL_NAMESPACE];
      if (namespace && CORPUS_STACK.test(namespace)) namespaces.add(namespace);
    }
  }
  await pool([...namespaces], Math.max(namespaces.size, 1), async (stack) => {
    await removeStack(docker, stack, { networkWaitMs: 0 }).catch(() => {});
  });
  const jobs: { file: string; who: "c" | "s" }[] = files.flatMap((file) => [
    { file, who: "c" as const },
    { file, who: "s" as const },
  ]);
  for (const file of files)
    sides.set(file, { cli: sideFor(file, "c"), module: sideFor(file, "s"), cliOutput: "", moduleWarnings: [] });
  await pool(jobs, 6, async ({ file, who }) => {
    const entry = sides.get(file)!;
    if (who === "c") {
      entry.cliOutput = await cliDeploy(
        [
          "-H",
          `unix://${socket}`,
          "stack",
          "deploy",
          "--with-registry-auth",
          "-c",
          path.join(corpusDir, file),
          entry.cli.stack,
        ],
        entry.cli.env,
      );
    } else {
      const text = await fs.readFile(path.join(corpusDir, file), "utf8");
      const { plan, warnings } = await prepareStack(entry.module.stack, {
        text,
        environment: { ...entry.module.env, PATH: process.env.PATH ?? "/usr/bin:/bin" },
        workingDir: corpusDir,
        readFile: (p) => fs.readFile(p),
      });
      entry.moduleWarnings = warnings.map((w) => w.message);
      await deployStack(docker, plan, {
        registryAuth: (image) => (image.startsWith(registry) ? registryAuth : undefined),
      });
    }
  });
  console.log(`corpus: ${files.length} files deployed twice in ${Date.now() - started} ms`);
}, 600_000);

/**
 * Ends the deployed stacks' containers at once. A remove returns once its networks are gone, and
 * they go only once their tasks have: a corpus `sleep` (PID 1, no SIGTERM handler) would take
 * swarm's whole 10 s stop grace period, 20-30 s on a loaded machine with every stack's tasks
 * stopping together. Their services are removed first, so swarm starts no task in their place.
 */
async function killDeployedTasks(stacks: Set<string>): Promise<void> {
  const services = await call<{ ID: string; Spec?: { Labels?: Record<string, string> } }[]>(
    "GET",
    `/services?filters=${encodeURIComponent(JSON.stringify({ label: [LABEL_NAMESPACE] }))}`,
  );
  await Promise.all(
    services
      .filter((s) => stacks.has(s.Spec?.Labels?.[LABEL_NAMESPACE] ?? ""))
      .map((s) => call("DELETE", `/services/${s.ID}`).catch(() => {})),
  );
  const nodes = ["TESTBED_SWARM_MANAGER_SOCKET", "TESTBED_SWARM_WORKER1_SOCKET", "TESTBED_SWARM_WORKER2_SOCKET"];
  await Promise.all(
    nodes.map(async (key) => {
      const engine = new Docker({ socketPath: need(testbed, key), version: "v1.41" });
      const containers = await engine.listContainers({ filters: { label: [LABEL_NAMESPACE] } });
      await Promise.all(
        containers
          .filter((c) => stacks.has(c.Labels?.[LABEL_NAMESPACE] ?? ""))
          .map((c) =>
            engine
              .getContainer(c.Id)
              .kill()
              .catch(() => {}),
          ),
      );
    }),
  );
}

afterAll(async () => {
  const deployed = [...sides.values()].flatMap((s) => [s.cli.stack, s.module.stack]);
  await killDeployedTasks(new Set(deployed)).catch(() => {});
  await pool(deployed, Math.max(deployed.length, 1), async (stack) => {
    await removeStack(docker, stack).catch(() => {});
  });
  await call("DELETE", `/networks/${EXTERNAL_NETWORK}`).catch(() => {});
  await call("DELETE", `/secrets/${EXTERNAL_SECRET}`).catch(() => {});
  await call("DELETE", `/configs/${EXTERNAL_CONFIG}`).catch(() => {});
  if (dockerConfig) await fs.rm(dockerConfig, { recursive: true, force: true });
  console.log(`corpus: whole run ${Date.now() - started} ms`);
}, 300_000);

describe("stack deploy equals docker stack deploy", () => {
  it("has at least 20 compose files", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)(
    "%s: same service, network, secret and config specs",
    async (file) => {
      const entry = sides.get(file)!;
      const [cli, mine] = await Promise.all([snapshot(entry.cli), snapshot(entry.module)]);
      expect(Object.keys(cli.services).length).toBeGreaterThan(0);
      expect(mine).toEqual(cli);
    },
    180_000,
  );

  it("reports the keys the CLI ignores as the CLI does", () => {
    const entry = sides.get("22-ignored-keys.yml")!;
    const cliLine = /Ignoring unsupported options: (.*)/.exec(entry.cliOutput)?.[1] ?? "";
    const mine = entry.moduleWarnings
      .map((w) => /^Ignoring unsupported options: (.*)$/.exec(w)?.[1])
      .filter((k): k is string => Boolean(k));
    expect([...new Set(mine)].sort().join(", ")).toBe(cliLine.trim());
    expect(entry.moduleWarnings.some((w) => w.startsWith("Ignoring deprecated options: container_name"))).toBe(true);
  });
});

describe("adopting a stack the CLI deployed changes nothing when redeployed", () => {
  it.each(files)(
    "%s: adopt, redeploy, same specs, no task restarted",
    async (file) => {
      const side = sides.get(file)!.cli;
      const before = await snapshot(side);
      const tasksBefore = await call<{ ID: string; DesiredState: string }[]>("GET", `/tasks?${labelQuery(side.stack)}`);
      const adopted = await adoptStack(docker, side.stack);
      const workingDir = await fs.mkdtemp(path.join(os.tmpdir(), "h7-adopt-"));
      try {
        const { plan } = await prepareStack(side.stack, {
          text: adopted.composeFile,
          workingDir,
          readFile: (p) => {
            const relative = path.relative(workingDir, p);
            const data = adopted.files[relative];
            return data ? Promise.resolve(data) : Promise.reject(new Error("no such file"));
          },
        });
        await deployStack(docker, plan, {
          registryAuth: (image) => (image.startsWith(registry) ? registryAuth : undefined),
        });
      } finally {
        await fs.rm(workingDir, { recursive: true, force: true });
      }
      const after = await snapshot(side);
      expect(after).toEqual(before);
      const tasksAfter = await call<{ ID: string; DesiredState: string }[]>("GET", `/tasks?${labelQuery(side.stack)}`);
      const running = (tasks: { ID: string; DesiredState: string }[]) =>
        tasks
          .filter((t) => t.DesiredState === "running")
          .map((t) => t.ID)
          .sort();
      expect(running(tasksAfter)).toEqual(running(tasksBefore));
      const services = await call<{ UpdateStatus?: { State?: string } }[]>(
        "GET",
        `/services?${labelQuery(side.stack)}`,
      );
      for (const s of services) expect(s.UpdateStatus?.State).not.toBe("updating");
    },
    180_000,
  );
});
