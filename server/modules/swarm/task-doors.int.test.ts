// The doors beside tRPC for swarm services, through the real server: a console into a task's
// container on its node's engine (the task console websocket), refused without service.exec
// and for a node whose engine is not an environment; and the merged service logs download.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../../testing/spawn-server";
import { dataDirWithDatabase } from "../../testing/embedded-template";
import { need } from "../../testing/testbed-env";
import { waitUntil } from "../../testing/wait-until";

const testbed = inject("testbed");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const name = `tdoor${process.pid % 1000}`;
let server: RunningServer;
let dataDir: string;
let admin: ApiClient;
let managerEnv: string;
let serviceId: string;

interface TaskRow {
  id: string;
  name: string;
  state: string;
  desiredState: string;
  nodeHostname?: string;
  environment?: { id: string; name: string };
}

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-task-doors-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "task doors test passphrase",
  });
  admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "test", expiresInDays: 1 })).token;
  managerEnv = (
    await admin.mutate<{ id: string }>("environments.create", {
      name: "mgr",
      url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}`,
    })
  ).id;
  // One worker is an environment, the other is not.
  await admin.mutate("environments.create", {
    name: "w1",
    url: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}`,
  });
  await waitUntil(
    async () => {
      const clusters = await admin.query<{ items: { environments: unknown[] }[] }>("swarm.clusters");
      return clusters.items[0]?.environments.length === 2;
    },
    { ms: 45_000, retryErrors: true },
  );
  serviceId = (
    await admin.mutate<{ id: string }>("services.create", {
      environmentId: managerEnv,
      spec: {
        name,
        image,
        mode: { kind: "replicated", replicas: 3 },
        command: ["sh", "-c", "echo ready-$(hostname); exec sleep 3600"],
        ports: [{ containerPort: 9000, hostPort: 19000, publishMode: "host" }],
        stopGracePeriodSeconds: 1,
      },
    })
  ).id;
}, 240_000);

afterAll(async () => {
  await admin?.mutate("services.remove", { environmentId: managerEnv, id: serviceId }).catch(() => undefined);
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

async function runningTasks(): Promise<TaskRow[]> {
  return waitUntil(
    async () => {
      const { items } = await admin.query<{ items: TaskRow[] }>("tasks.list", { serviceId });
      const running = items.filter((t) => t.state === "running" && t.desiredState === "running");
      return running.length === 3 ? running : undefined;
    },
    { ms: 45_000, retryErrors: true },
  );
}

function open(query: Record<string, string>, headers: Record<string, string>) {
  const socket = new WebSocket(
    `ws://127.0.0.1:${server.port}/api/ws/task-exec?${new URLSearchParams(query).toString()}`,
    { headers },
  );
  let out = "";
  const controls: Record<string, unknown>[] = [];
  socket.on("message", (data: Buffer, binary: boolean) => {
    if (binary) out += data.toString("utf8");
    else controls.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.on("open", () => resolve());
    socket.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => reject(new Error(`HTTP ${res.statusCode} ${body}`)));
    });
    socket.on("error", reject);
  });
  return { socket, opened, output: () => out, controls };
}

describe("a task's console", () => {
  it("opens a shell in a task's container on its node's engine, with service.exec", async () => {
    const tasks = await runningTasks();
    const onW1 = tasks.find((t) => t.nodeHostname === "swarm-w1")!;
    expect(onW1.environment?.name).toBe("w1");
    const session = open(
      { environmentId: managerEnv, taskId: onW1.id, cmd: "sh", cols: "80", rows: "24" },
      { authorization: `Bearer ${admin.token}` },
    );
    await session.opened;
    await waitUntil(() => Promise.resolve(session.controls.some((c) => c.type === "ready")), {
      ms: 45_000,
      retryErrors: true,
    });
    session.socket.send(Buffer.from("hostname; echo done-$((6*7))\r"), { binary: true });
    await waitUntil(() => Promise.resolve(/done-42/.test(session.output())), { ms: 45_000, retryErrors: true });
    session.socket.close();
    // The session is on the record as a console in that task, on the node's environment.
    const event = await waitUntil(
      async () => {
        const { items } = await admin.query<{
          items: { outcome: string; permission: string; params: Record<string, unknown> }[];
        }>("audit.list", { action: "console.exec" });
        return items.find((e) => e.outcome !== "pending" && e.params.taskId === onW1.id);
      },
      { ms: 45_000, retryErrors: true },
    );
    expect(event).toMatchObject({ permission: "service.exec", params: { task: onW1.name, node: "swarm-w1" } });
  });

  it("says why not for a task on a node whose engine is not an environment, and refuses without service.exec", async () => {
    const tasks = await runningTasks();
    const onW2 = tasks.find((t) => t.nodeHostname === "swarm-w2")!;
    expect(onW2.environment).toBeUndefined();
    const headers = { authorization: `Bearer ${admin.token}` };
    await expect(open({ environmentId: managerEnv, taskId: onW2.id }, headers).opened).rejects.toThrow(
      /HTTP 412 .*swarm-w2, whose engine is not an environment/,
    );
    // A Read-only user may not.
    const reader = await admin.mutate<{ id: string }>("users.create", {
      username: "reader",
      password: "quiet harbour lantern 42",
    });
    const role = (await admin.query<{ id: string; name: string }[]>("roles.list")).find((r) => r.name === "Read-only")!;
    await admin.mutate("bindings.create", { userId: reader.id, roleId: role.id, environmentId: null });
    const client = new ApiClient(server.url);
    await client.mutate("auth.login", { username: "reader", password: "quiet harbour lantern 42" });
    const onW1 = tasks.find((t) => t.nodeHostname === "swarm-w1")!;
    await expect(
      open({ environmentId: managerEnv, taskId: onW1.id }, { cookie: client.cookie, origin: server.url }).opened,
    ).rejects.toThrow(/HTTP 403 .*service\.exec/);
  });
});

describe("the service logs download", () => {
  it("gives every line of every task, each led by its task, to whoever holds service.logs", async () => {
    await runningTasks();
    const text = await waitUntil(
      async () => {
        const res = await fetch(`${server.url}/api/services/logs/${managerEnv}/${serviceId}?tail=all`, {
          headers: { authorization: `Bearer ${admin.token}` },
        });
        if (res.status !== 200) return undefined;
        const body = await res.text();
        return body.split("\n").filter((l) => l.includes("ready-")).length >= 3 ? body : undefined;
      },
      { ms: 45_000, retryErrors: true },
    );
    expect(text).toMatch(new RegExp(`^${name}\\.[123]\\.[a-z0-9]{12}@swarm-(mgr|w1|w2) \\| ready-`, "m"));
    const anonymous = await fetch(`${server.url}/api/services/logs/${managerEnv}/${serviceId}`);
    expect(anonymous.status).toBe(401);
    const bad = await fetch(`${server.url}/api/services/logs/${managerEnv}/..%2Fsecrets`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(bad.status).toBe(400);
  });
});
