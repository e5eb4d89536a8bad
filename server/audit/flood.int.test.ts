// Issue #11 item 4 as an attacker and an operator meet it: a flood of anonymous refused calls
// (single calls, full batches, bad tokens) against the real server while an operator restarts
// a real container 20 times. Every restart is on the trail as succeeded, every refused call is
// accounted for (one by one or counted into a grouped event), the server stops and starts again
// cleanly on the same data, and the chain verifies, through the API and with `npm run
// audit:verify`. Runs on DATABASE_URL when set (CI's Postgres), else on the embedded database.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { ApiClient } from "../testing/api-client";
import { openHarness } from "../testing/harness";
import { setupCodeOf, spawnServer, type RunningServer } from "../testing/spawn-server";
import { need } from "../testing/testbed-env";
import { MAX_BATCH_CALLS } from "../transport/trpc/batching";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const REFUSED_CALLS = 3000;
const RESTARTS = 20;
const root = path.resolve(import.meta.dirname, "../..");

let dataDir: string;
let server: RunningServer;
let containerId: string;
const env = () => ({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL ?? "" });

beforeAll(async () => {
  // A fresh database: the first start offers the setup again (on Postgres, the test database emptied).
  if (process.env.DATABASE_URL) await (await openHarness()).close();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-flood-"));
  server = await spawnServer(env());
  const container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `flood-${Date.now()}`,
    // Ends at once on SIGTERM (wait is interrupted; a plain sleep would finish first).
    Cmd: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 600 & wait $!; done"],
    Labels: { "stevedore.test": "flood" },
  });
  await container.start();
  containerId = container.id;
}, 180_000);

afterAll(async () => {
  await server?.stop("SIGKILL");
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  const left = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=flood"] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
});

/** One anonymous refused request; resolves with how many calls it carried. */
function refusedRequest(agent: Agent, i: number): Promise<number> {
  const kind = i % 3;
  const calls = kind === 1 ? MAX_BATCH_CALLS : 1;
  const path =
    kind === 0
      ? "/api/trpc/containers.restart"
      : kind === 1
        ? `/api/trpc/${Array(calls).fill("containers.list").join(",")}?batch=1`
        : "/api/trpc/environments.list";
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "flood" };
  if (kind === 2) headers.authorization = `Bearer sdt_flood${i}`;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: kind === 0 ? "POST" : "GET", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 401 ? resolve(calls) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(kind === 0 ? JSON.stringify({ environmentId: "x", id: "y" }) : undefined);
  });
}

interface ExportedEvent {
  action: string;
  outcome: string;
  actorUsername: string | null;
  userAgent: string | null;
  params: { repeatedRefusals?: number } | null;
}

async function exported(api: ApiClient): Promise<ExportedEvent[]> {
  const { content } = await api.query<{ content: string }>("audit.export", { format: "ndjson" });
  return content
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedEvent);
}

it(`keeps every one of ${RESTARTS} restarts and ${REFUSED_CALLS} refused calls, and starts again cleanly`, async () => {
  const admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "flood test passphrase",
  });
  const environment = await admin.mutate<{ id: string }>("environments.create", {
    name: "standalone",
    url: `unix://${socketPath}`,
  });
  const operatorRow = await admin.mutate<{ id: string }>("users.create", {
    username: "operator",
    password: "restarts many containers daily",
  });
  const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
  await admin.mutate("bindings.create", {
    roleId: roles.find((r) => r.name === "Operator")!.id,
    userId: operatorRow.id,
    environmentId: null,
  });
  const operator = new ApiClient(server.url);
  await operator.mutate("auth.login", { username: "operator", password: "restarts many containers daily" });

  // The flood: 32 connections of anonymous refused calls, until REFUSED_CALLS calls are sent.
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let sent = 0;
  let next = 0;
  let flooding = true;
  const flood = Promise.all(
    Array.from({ length: 32 }, async () => {
      while (sent < REFUSED_CALLS) {
        const calls = await refusedRequest(agent, next++);
        sent += calls;
      }
    }),
  ).finally(() => (flooding = false));
  let duringFlood = 0;
  for (let i = 0; i < RESTARTS; i++) {
    await operator.mutate("containers.restart", { environmentId: environment.id, id: containerId, timeoutSeconds: 1 });
    if (flooding) duringFlood++;
  }
  await flood;
  agent.destroy();
  expect(duringFlood).toBeGreaterThan(0);

  // Every restart, as succeeded; every refused call, counted (grouped ones land when their window ends).
  let events = await exported(admin);
  const restarts = events.filter((e) => e.action === "containers.restart" && e.actorUsername === "operator");
  expect(restarts.map((e) => e.outcome)).toEqual(Array(RESTARTS).fill("ok"));
  const accounted = (list: ExportedEvent[]) =>
    list
      .filter((e) => e.userAgent === "flood" && e.outcome === "denied")
      .reduce((sum, e) => sum + (e.params?.repeatedRefusals ?? 1), 0);
  const deadline = Date.now() + 60_000;
  while (accounted(events) < sent && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    events = await exported(admin);
  }
  expect(accounted(events)).toBe(sent);
  // Grouped: far fewer rows than calls.
  expect(events.filter((e) => e.userAgent === "flood").length).toBeLessThan(sent / 10);

  // A clean stop and a clean start on the same data; the chain verifies.
  expect(await server.stop("SIGTERM")).toBe(0);
  expect(server.output()).toMatch(/audit: head #\d+ [0-9a-f]{64} \(shutdown\)/);
  server = await spawnServer(env());
  const again = new ApiClient(server.url);
  await again.mutate("auth.login", { username: "admin", password: "flood test passphrase" });
  const verified = await again.query<{ ok: boolean; anchors: { source: string; matched: boolean }[] }>("audit.verify");
  expect(verified.ok).toBe(true);
  expect(verified.anchors).toContainEqual({
    source: "the head file",
    seq: expect.any(String) as string,
    matched: true,
  });
  expect(await server.stop("SIGTERM")).toBe(0);

  const cli = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts"], {
      cwd: root,
      env: { ...process.env, ...env() },
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
  expect(cli.output).toMatch(/audit trail verified: \d+ link\(s\)/);
  expect(cli.output).toMatch(/anchored head #\d+ \(.*audit-head\.json\): found in the chain/);
  expect(cli.code).toBe(0);
}, 600_000);
