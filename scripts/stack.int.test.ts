// Stevedore deployed the way its users deploy it: the image built from the Dockerfile of a
// clean checkout, docker-compose.yml deployed as a stack on the test bed's swarm manager, the
// manager's socket mounted, a load balancer in front. Through that deployment: the first
// sign-in, the local engine offered and seeing the swarm's three nodes, a console, an
// upgrade (docker service update --image, start-first) under load that loses no request and
// ends open consoles with a message, then the stack removed.
import { mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Terminal } from "@xterm/headless";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../server/testing/api-client";
import { openStream } from "../server/testing/replicas";
import {
  buildStevedoreImage,
  cleanCheckout,
  copyImage,
  deployStack,
  docker,
  dockerOutput,
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
const ADMIN_PASSWORD = "deployed stack passphrase";
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
    // On a cold stack Postgres starts beside it: the server waits for the database (saying so)
    // instead of exiting for swarm to restart it ("cannot open the database: timeout expired").
    const logs = await dockerOutput(manager, ["service", "logs", "--raw", `${stack!.name}_stevedore`]);
    expect(logs).not.toContain("cannot open the database");
    const waited = logs.split("\n").filter((line) => /the database at .* (answered|is not answering)/.test(line));
    if (waited.length) timings.push(`cold start waited for Postgres: ${waited.at(-1)}`);
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
      password: ADMIN_PASSWORD,
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
        // The new task's health checks run every few seconds and the old one drains first: on a
        // loaded 2-core machine this took over 3 minutes (a clean-clone run at load ~80).
        420_000,
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

  it("serves as two replicas on two managers (host-mode ports) over one Postgres: one sign-in, changes within a second, one audit chain", async () => {
    // The stack places Stevedore on managers and the test bed's swarm has one: make a worker a
    // manager for this test, as a user adds a second manager, and give its engine the image.
    const secondNode = "swarm-w1";
    const second: Engine = { host: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}` };
    const nodeSocket = await socketAtOnePath(["swarm-mgr", secondNode]);
    await timed("image to the second node", () => copyImage(manager, second, upgradeImage));
    await docker(manager, ["node", "promote", secondNode]);
    try {
      await waitFor(
        async () =>
          (await docker(manager, ["node", "inspect", "-f", "{{.ManagerStatus.Reachability}}", secondNode])) ===
          "reachable"
            ? true
            : undefined,
        60_000,
        () => docker(manager, ["node", "ls"]),
      );
      // As the README says: host-mode ports (this swarm has no routing mesh), then two replicas.
      // Each task mounts its own node's engine socket, as /var/run/docker.sock is on every node.
      const addresses = new Map([
        ["swarm-mgr", need(testbed, "TESTBED_SWARM_MANAGER_ADDR")],
        [secondNode, await docker(manager, ["node", "inspect", "-f", "{{.Status.Addr}}", secondNode])],
      ]);
      const urls = await timed("two replicas up", async () => {
        await stack!.redeploy({
          STEVEDORE_IMAGE: upgradeImage,
          STEVEDORE_PUBLISH_MODE: "host",
          DOCKER_SOCKET: nodeSocket,
        });
        await docker(manager, ["service", "scale", "--detach", `${stack!.name}_stevedore=2`]);
        return waitFor(
          async () => {
            const running = (
              await docker(manager, [
                "service",
                "ps",
                "--filter",
                "desired-state=running",
                "--format",
                "{{.Node}} {{.CurrentState}}",
                `${stack!.name}_stevedore`,
              ])
            ).split("\n");
            const nodes = running.filter((line) => /\bRunning\b/.test(line)).map((line) => line.split(" ")[0]!);
            if (running.length !== 2 || nodes.sort().join() !== ["swarm-mgr", secondNode].sort().join())
              return undefined;
            // Each node's own port reaches the task on that node only (host mode).
            const found = [...addresses.values()].map((address) => `http://${address}:3000`);
            for (const url of found) {
              if (!(await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok) return undefined;
            }
            return found as [string, string];
          },
          420_000,
          () => serviceLogs(stack!),
        );
      });
      const published = await docker(manager, [
        "service",
        "inspect",
        "-f",
        "{{range .Endpoint.Ports}}{{.PublishMode}} {{.PublishedPort}}{{end}}",
        `${stack!.name}_stevedore`,
      ]);
      expect(published).toBe("host 3000");
      const [onMgr, onSecond] = urls;

      // A sign-in made on either replica works on the other.
      const a = new ApiClient(onMgr);
      await a.mutate("auth.login", { username: "admin", password: ADMIN_PASSWORD });
      const b = new ApiClient(onSecond);
      await b.mutate("auth.login", { username: "admin", password: ADMIN_PASSWORD });
      for (const [client, other] of [
        [a, onSecond],
        [b, onMgr],
      ] as const) {
        const elsewhere = new ApiClient(other);
        elsewhere.cookie = client.cookie;
        expect(await elsewhere.query<{ username: string } | null>("auth.me")).toMatchObject({ username: "admin" });
      }
      // Each replica watches its own node's engine as "local": both managers of one swarm.
      const [local] = await b.query<{ id: string; name: string }[]>("environments.list");
      expect(local?.name).toBe("local");

      // A change made through the replica on the manager reaches a page and an audit tail open
      // on the other node's replica (Postgres LISTEN/NOTIFY). How long it takes is printed.
      type Change = { type: string; status?: { environmentId: string; name: string } };
      const nodeOf = new Map([
        [a, "the manager"],
        [b, secondNode],
      ]);
      for (const [through, seenOn, name] of [
        [a, b, "local-two"],
        [b, a, "local"],
      ] as const) {
        const page = await openStream<Change>(seenOn, "fleet.changes", {});
        const tail = await openStream<{ action: string; environmentId: string | null; targetId: string | null }>(
          seenOn,
          "audit.tail",
        );
        try {
          const renamed = page.next((c) => c.type === "status" && c.status?.name === name);
          const recorded = tail.next(
            (e) => e.action === "environments.update" && [e.environmentId, e.targetId].includes(local!.id),
          );
          const sent = Date.now();
          await through.mutate("environments.update", { environmentId: local!.id, name });
          const [status, event] = await within(
            Promise.all([renamed, recorded]),
            60_000,
            `the rename through ${nodeOf.get(through)} on ${nodeOf.get(seenOn)}`,
          );
          timings.push(
            `a change through ${nodeOf.get(through)}'s replica reached a page on ${nodeOf.get(seenOn)}'s in ${status.at - sent} ms, its audit tail in ${event.at - sent} ms`,
          );
        } finally {
          page.close();
          tail.close();
        }
      }

      // Writes through both at once make one audit chain, whichever replica checks it.
      await Promise.all(
        [a, b].flatMap((client, r) =>
          Array.from({ length: 10 }, (_, i) =>
            client.mutate("tokens.create", { name: `replica-${r}-${i}`, expiresInDays: 1 }),
          ),
        ),
      );
      for (const client of [a, b]) expect(await client.query("audit.verify")).toMatchObject({ ok: true });
    } finally {
      // Back to the test bed's one manager (its other tests count managers), whatever happened.
      await docker(manager, ["node", "demote", secondNode]);
      await waitFor(
        async () => ((await docker(manager, ["info", "-f", "{{.Swarm.Managers}}"])) === "1" ? true : undefined),
        60_000,
        () => docker(manager, ["node", "ls"]),
      );
    }
  }, 900_000);
});

/** `promise`, or a failure naming `what` after `ms` (rather than the whole test's timeout). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One path at which every named test bed engine finds its own socket, as every real node has
 * its engine at /var/run/docker.sock: the engines share this machine's files but each has a
 * private /run/docker (scripts/testbed), where a link to its socket is put.
 */
async function socketAtOnePath(nodes: string[]): Promise<string> {
  const dir = need(testbed, "TESTBED_DIR");
  for (const node of nodes) {
    const link = path.join(dir, node, "run-docker", "engine.sock");
    await rm(link, { force: true });
    await symlink(path.join(dir, `${node}.sock`), link);
  }
  return "/run/docker/engine.sock";
}

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
