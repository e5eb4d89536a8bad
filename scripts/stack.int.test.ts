// Stevedore deployed the way its users deploy it: the image built from the Dockerfile of a
// clean checkout, docker-compose.yml deployed as a stack on the test bed's swarm manager, the
// manager's socket mounted. Through that deployment: the first sign-in, the local engine
// offered and seeing the swarm's three nodes, a console, then the stack removed.
import { stat } from "node:fs/promises";
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

async function serviceLogs(deployed: DeployedStack): Promise<string> {
  const logs = await Promise.all(
    ["stevedore", "postgres"].map(async (service) => {
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
      postgresImage: base.postgresImage,
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
    const [containerId] = (
      await docker(manager, [
        "ps",
        "-q",
        "--no-trunc",
        "--filter",
        `label=com.docker.swarm.service.name=${stack!.name}_stevedore`,
      ])
    ).split("\n");
    const qs = new URLSearchParams({ environmentId: env!.id, containerId: containerId!, cols: "120", rows: "30" });
    const socket = new WebSocket(`${stack!.url.replace("http", "ws")}/api/ws/exec?${qs.toString()}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    // A terminal on this side, as xterm.js is in the browser: it answers the shell's queries.
    const term = new Terminal({ cols: 120, rows: 30, allowProposedApi: true });
    term.onData((reply) => socket.readyState === socket.OPEN && socket.send(Buffer.from(reply), { binary: true }));
    let output = "";
    socket.on("message", (data: Buffer, binary: boolean) => {
      if (!binary) return;
      output += data.toString("utf8");
      term.write(data);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    try {
      await waitFor(
        () => Promise.resolve(/[#$] /.test(output) ? true : undefined),
        20_000,
        () => output,
      );
      // The server is tini's child: its uid and groups, from the kernel's own account.
      socket.send(
        Buffer.from(
          "p=$(cut -d' ' -f1 /proc/1/task/1/children); echo \"M$((6*7)) uid=$(stat -c %u /proc/$p) $(grep ^Groups: /proc/$p/status)\"\r",
        ),
        { binary: true },
      );
      const line = await waitFor(
        () => Promise.resolve(/M42 uid=(\d+) Groups:([\d\s]+)/.exec(output) ?? undefined),
        20_000,
        () => output,
      );
      expect(line[1]).toBe("1000");
      const socketGroup = (await stat(socketPath)).gid;
      expect(line[2]!.trim().split(/\s+/).map(Number)).toContain(socketGroup);
    } finally {
      socket.close();
    }
  });
});
