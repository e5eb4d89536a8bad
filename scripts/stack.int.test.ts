// Stevedore deployed the way its users deploy it: the image built from the Dockerfile of a
// clean checkout, docker-compose.yml deployed as a stack on the test bed's swarm manager, the
// manager's socket mounted, a load balancer in front. Through that deployment: the first
// sign-in, the local engine offered and seeing the swarm's three nodes, a console, an
// upgrade (docker service update --image, start-first) under load that loses no request and
// ends open consoles with a message, then the stack removed.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Terminal } from "@xterm/headless";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../server/testing/api-client";
import {
  buildStevedoreImage,
  cleanCheckout,
  deployStack,
  docker,
  loadBaseImages,
  waitFor,
  type Checkout,
  type DeployedStack,
  type Engine,
} from "../server/testing/stack";
import { need } from "../server/testing/testbed-env";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const manager: Engine = { host: `unix://${socketPath}` };
let checkout: Checkout | undefined;
let stack: DeployedStack | undefined;
let admin: ApiClient;
let upgradeImage: string;
const timings: string[] = [];

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

/**
 * The one-time setup code a first start prints, when this version prints one: read from the
 * service's log, as an administrator would (`docker service logs <stack>_stevedore`).
 */
async function setupCodeFromLogs(deployed: DeployedStack): Promise<string | undefined> {
  const logs = await docker(manager, ["service", "logs", "--raw", `${deployed.name}_stevedore`]).catch(() => "");
  return /setup code\W+([A-Za-z0-9-]{6,})/i.exec(logs)?.[1];
}

/** Another image to upgrade to: the same build with one more label, so a different image id. */
async function relabel(image: string): Promise<string> {
  const next = `${image}-next`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "stevedore-relabel-"));
  try {
    await writeFile(path.join(dir, "Dockerfile"), `FROM ${image}\nLABEL org.stevedore.test-upgrade=${Date.now()}\n`);
    await docker(manager, ["build", "-q", "-t", next, dir], { DOCKER_BUILDKIT: "0" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return next;
}

async function serviceLogs(deployed: DeployedStack): Promise<string> {
  const logs = await Promise.all(
    ["stevedore", "postgres", "proxy"].map(async (service) => {
      const ps = await docker(manager, ["service", "ps", "--no-trunc", `${deployed.name}_${service}`]).catch((e) =>
        String(e),
      );
      const log = await docker(manager, ["service", "logs", "--raw", `${deployed.name}_${service}`]).catch((e) =>
        String(e),
      );
      return `--- ${service}\n${ps}\n${log.slice(-3000)}`;
    }),
  );
  return logs.join("\n");
}

beforeAll(async () => {
  checkout = await timed("checkout", cleanCheckout);
  const base = await timed("base images", () => loadBaseImages(checkout!, manager));
  const image = await timed("image build", () => buildStevedoreImage(checkout!, manager, base));
  stack = await timed("deploy", () =>
    deployStack(checkout!, manager, {
      image,
      base,
      socketPath,
      managerAddress: need(testbed, "TESTBED_SWARM_MANAGER_ADDR"),
    }),
  );
  await timed("until healthy", () =>
    waitFor(
      async () => ((await fetch(`${stack!.url}/healthz`)).ok ? true : undefined),
      240_000,
      () => serviceLogs(stack!),
    ),
  );
  admin = new ApiClient(stack.url);
  upgradeImage = await timed("upgrade image", () => relabel(image));
}, 1_800_000);

afterAll(async () => {
  await stack?.remove();
  await checkout?.remove();
  console.log(`stack test: ${timings.join(", ")}`);
}, 120_000);

describe("Stevedore deployed as a swarm stack", () => {
  it("runs as an unprivileged user under tini, and reports itself healthy", async () => {
    const [id] = (
      await docker(manager, ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${stack!.name}_stevedore`])
    ).split("\n");
    expect(id).toBeTruthy();
    const health = await waitFor(
      async () => {
        const status = await docker(manager, ["inspect", "-f", "{{.State.Health.Status}}", id!]);
        return status === "healthy" ? status : undefined;
      },
      120_000,
      () => docker(manager, ["inspect", "-f", "{{json .State.Health}}", id!]),
    );
    expect(health).toBe("healthy");
    // PID 1 is tini; the server under it is not root, and is in the socket's group.
    const top = await docker(manager, ["top", id!, "-o", "pid,ppid,uid,gid,args"]);
    expect(top).toMatch(/\btini -- stevedore-entrypoint node server\.mjs/);
    const server = top.split("\n").find((line) => /\bnode server\.mjs$/.test(line) && !/tini/.test(line));
    expect(server, top).toBeTruthy();
    const [, , , uid] = server!.trim().split(/\s+/);
    expect(uid).toBe("1000");
  });

  it("takes the first sign-in (with the setup code when one is printed)", async () => {
    expect(await admin.query<{ needsSetup: boolean }>("auth.setupStatus")).toEqual({ needsSetup: true });
    const setupCode = await setupCodeFromLogs(stack!);
    await admin.mutate("auth.setup", {
      username: "admin",
      password: "deployed stack passphrase",
      ...(setupCode ? { setupCode } : {}),
    });
    expect(await admin.query<{ username: string }>("auth.me")).toMatchObject({ username: "admin" });
    admin.token = (
      await admin.mutate<{ token: string }>("tokens.create", { name: "stack test", expiresInDays: 1 })
    ).token;
  });

  it("offers the manager's engine as local, and sees the swarm's nodes through the socket", async () => {
    const local = await admin.query<{ url: string; state: string; addedAs: string | null }>("environments.localSocket");
    // The socket is mounted and the unprivileged server can use it (it joined the socket's group).
    expect(local).toEqual({ url: "unix:///var/run/docker.sock", state: "available", addedAs: null });
    const created = await admin.mutate<{ id: string }>("environments.create", { name: "local", url: local.url });

    interface Status {
      state: string;
      engine?: { hostname: string };
      swarm?: { role: string; nodes?: number; managers?: number };
      counts?: { nodes?: number };
    }
    const status = await waitFor(
      async () => {
        const [env] = await admin.query<{ id: string; status: Status | null }[]>("environments.list");
        const s = env?.id === created.id ? env.status : null;
        return s?.state === "up" && s.counts?.nodes !== undefined ? s : undefined;
      },
      60_000,
      async () => JSON.stringify(await admin.query("environments.list")),
    );
    expect(status.engine?.hostname).toBe("swarm-mgr");
    expect(status.swarm).toMatchObject({ role: "manager", nodes: 3, managers: 1 });
    // The live picture lists the nodes themselves, from the manager's engine.
    expect(status.counts?.nodes).toBe(3);
  });

  it("opens a console through it, in its own container, as the user and group it should be", async () => {
    const [env] = await admin.query<{ id: string }[]>("environments.list");
    const shell = await openConsole(env!.id, await stevedoreContainer());
    try {
      await waitFor(() => Promise.resolve(/[#$] /.test(shell.output()) ? true : undefined), 20_000, shell.output);
      // The server is tini's child: its uid and groups, from the kernel's own account.
      shell.type(
        "p=$(cut -d' ' -f1 /proc/1/task/1/children); echo \"M$((6*7)) uid=$(stat -c %u /proc/$p) $(grep ^Groups: /proc/$p/status)\"\r",
      );
      const line = await waitFor(
        () => Promise.resolve(/M42 uid=(\d+) Groups:([\d\s]+)/.exec(shell.output()) ?? undefined),
        20_000,
        shell.output,
      );
      expect(line[1]).toBe("1000");
      const socketGroup = (await stat(socketPath)).gid;
      expect(line[2]!.trim().split(/\s+/).map(Number)).toContain(socketGroup);
    } finally {
      shell.socket.close();
    }
  });

  it("upgrades with docker service update --image, start-first, losing no request; open consoles end saying why", async () => {
    const [env] = await admin.query<{ id: string }[]>("environments.list");
    const before = await stevedoreContainer();
    // A console into another container, open across the upgrade.
    const target = await docker(manager, [
      "run",
      "-d",
      "--label",
      "stevedore.test=stack",
      testbed.TESTBED_FIXTURE_IMAGE!,
      "sleep",
      "600",
    ]);
    const shell = await openConsole(env!.id, target);
    await waitFor(
      () => Promise.resolve(shell.controls.some((c) => c.type === "ready") ? true : undefined),
      20_000,
      () => JSON.stringify(shell.controls),
    );

    // Reads and writes (a setting changed: a database write and an audit event each; not sign-ins,
    // which are throttled by design when one address sends hundreds) through the load
    // balancer, four at a time, for as long as the upgrade takes.
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const call = async (n: number) => {
      const res =
        n % 2
          ? await fetch(`${stack!.url}/api/trpc/environments.list`, {
              headers: { authorization: `Bearer ${admin.token}` },
              signal: AbortSignal.timeout(30_000),
            })
          : await fetch(`${stack!.url}/api/trpc/settings.update`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${admin.token}` },
              body: JSON.stringify({ auditRetentionDays: 365 + (requests % 100) }),
              signal: AbortSignal.timeout(30_000),
            });
      await res.arrayBuffer();
      if (!res.ok) failures.push(`${res.status} ${n % 2 ? "environments.list" : "settings.update"}`);
    };
    const loop = async (n: number) => {
      while (running) {
        await call(n).catch((error: unknown) => failures.push(String(error)));
        requests++;
      }
    };
    const loops = Array.from({ length: 4 }, (_, n) => loop(n));
    try {
      const started = Date.now();
      await docker(
        manager,
        ["service", "update", "--quiet", "--image", upgradeImage, `${stack!.name}_stevedore`],
        {},
        600_000,
      );
      // Converged: one task, on the new image, healthy; the old one gone.
      const after = await waitFor(
        async () => {
          const ids = (
            await docker(manager, [
              "ps",
              "-q",
              "--no-trunc",
              "--filter",
              `label=com.docker.swarm.service.name=${stack!.name}_stevedore`,
            ])
          ).split("\n");
          if (ids.length !== 1 || ids[0] === before) return undefined;
          const health = await docker(manager, [
            "inspect",
            "-f",
            "{{.State.Health.Status}} {{.Config.Image}}",
            ids[0]!,
          ]);
          return health === `healthy ${upgradeImage}` ? ids[0] : undefined;
        },
        180_000,
        () => serviceLogs(stack!),
      );
      // A few more requests to the new task only.
      const served = requests;
      await waitFor(
        () => Promise.resolve(requests >= served + 20 ? true : undefined),
        60_000,
        () => `${requests}`,
      );
      timings.push(`upgrade ${((Date.now() - started) / 1000).toFixed(0)} s under ${requests} requests`);
      expect(after).not.toBe(before);
    } finally {
      running = false;
      await Promise.all(loops);
      await docker(manager, ["rm", "-f", target]).catch(() => undefined);
    }
    expect(failures).toEqual([]);
    // The console on the old task ended with a message, not a hang.
    await shell.closed;
    expect(shell.controls).toContainEqual(
      expect.objectContaining({ type: "exit", message: "Stevedore is shutting down." }),
    );
    // A rolling update on a loaded 2-core machine takes minutes (the update itself may take up to
    // ten, then convergence): the suite's 60 s default would cut it mid-rollout.
  }, 900_000);
});

/** The stevedore service's running container on the manager. */
async function stevedoreContainer(): Promise<string> {
  const ids = await docker(manager, [
    "ps",
    "-q",
    "--no-trunc",
    "--filter",
    `label=com.docker.swarm.service.name=${stack!.name}_stevedore`,
  ]);
  const [id] = ids.split("\n");
  if (!id) throw new Error("no running stevedore container");
  return id;
}

/** A console through the deployment, with a terminal on this side (as xterm.js is in the browser) answering the shell's queries. */
async function openConsole(environmentId: string, containerId: string) {
  const qs = new URLSearchParams({ environmentId, containerId, cols: "120", rows: "30" });
  const socket = new WebSocket(`${stack!.url.replace("http", "ws")}/api/ws/exec?${qs.toString()}`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  const term = new Terminal({ cols: 120, rows: 30, allowProposedApi: true });
  term.onData((reply) => socket.readyState === socket.OPEN && socket.send(Buffer.from(reply), { binary: true }));
  let output = "";
  const controls: { type: string; message?: string }[] = [];
  socket.on("message", (data: Buffer, binary: boolean) => {
    if (!binary) {
      controls.push(JSON.parse(data.toString()) as { type: string; message?: string });
      return;
    }
    output += data.toString("utf8");
    term.write(data);
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    controls,
    closed,
    output: () => output,
    type: (text: string) => socket.send(Buffer.from(text), { binary: true }),
  };
}
