// Stopping a replica (an upgrade's old task, a scaled-down one) loses no request: what it had
// accepted completes, it accepts nothing new (a load balancer sends that to another replica),
// open consoles end with a message saying why, live streams end, and it exits 0 in time.
import http from "node:http";
import { rm } from "node:fs/promises";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "./testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "./testing/spawn-server";
import { dataDirWithDatabase } from "./testing/embedded-template";
import { need } from "./testing/testbed-env";

const testbed = inject("testbed");
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });
const PASSWORD = "graceful stop passphrase";
let dataDir: string;
let server: RunningServer;
let container: Docker.Container;

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-stop-");
  // A database of its own (embedded, made but not set up), so its setup is ours to do.
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `graceful-stop-${Date.now()}`,
    Cmd: ["sleep", "3600"],
    Labels: { "stevedore.test": "graceful-stop" },
  });
  await container.start();
}, 300_000);

afterAll(async () => {
  await server?.stop("SIGKILL");
  await container?.remove({ force: true }).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

type Outcome = { kind: "ok" } | { kind: "refused" } | { kind: "failed"; detail: string };

/**
 * One request on a connection of its own (as a load balancer's would be): "refused" when the
 * server no longer accepts connections, "failed" for anything else but a 2xx answer.
 */
function request(port: number, method: "GET" | "POST", pathAndQuery: string, body?: unknown, headers = {}) {
  return new Promise<Outcome>((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: pathAndQuery,
        agent: false,
        headers: {
          connection: "close",
          "content-type": "application/json",
          ...(payload ? { "content-length": Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () =>
          resolve(
            res.statusCode! >= 200 && res.statusCode! < 300
              ? { kind: "ok" }
              : { kind: "failed", detail: `${res.statusCode} ${text.slice(0, 200)}` },
          ),
        );
        res.on("error", (error) => resolve({ kind: "failed", detail: `response: ${error.message}` }));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve(
        // Refused, or reset before any answer began: a connection still in the listen backlog
        // (never accepted by the server) is reset by the kernel when the listener closes.
        // Either way nothing was processed, and a client or load balancer tries it elsewhere.
        error.code === "ECONNREFUSED" || error.code === "ECONNRESET"
          ? { kind: "refused" }
          : { kind: "failed", detail: `${error.code} ${error.message}` },
      ),
    );
    req.end(payload);
  });
}

describe("a server told to stop (SIGTERM)", () => {
  it("completes what it accepted, refuses what comes after, ends consoles and streams with a reason, and exits 0", async () => {
    const admin = new ApiClient(server.url);
    await admin.mutate("auth.setup", { setupCode: await setupCodeOf(dataDir), username: "admin", password: PASSWORD });
    const token = (await admin.mutate<{ token: string }>("tokens.create", { name: "stop", expiresInDays: 1 })).token;
    const bearer = { authorization: `Bearer ${token}` };
    const environmentId = (
      await admin.mutate<{ id: string }>("environments.create", {
        name: "standalone",
        url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
      })
    ).id;

    // A console, open when the stop comes.
    const qs = new URLSearchParams({ environmentId, containerId: container.id, cmd: "sh" });
    const consoleSocket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/exec?${qs.toString()}`, {
      headers: bearer,
    });
    const controls: { type: string; message?: string }[] = [];
    consoleSocket.on("message", (data: Buffer, binary: boolean) => {
      if (!binary) controls.push(JSON.parse(data.toString()) as { type: string; message?: string });
    });
    const consoleClosed = new Promise<number>((resolve) => consoleSocket.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      consoleSocket.once("error", reject);
      const check = () => (controls.some((c) => c.type === "ready") ? resolve() : setTimeout(check, 20));
      check();
    });

    // A live stream (server-sent events), open when the stop comes.
    const stream = await fetch(`${server.url}/api/trpc/audit.tail`, {
      headers: { ...bearer, accept: "text/event-stream" },
    });
    expect(stream.ok).toBe(true);
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      try {
        while (!(await reader.read()).done);
        return "ended";
      } catch (error) {
        return `broke: ${String(error)}`;
      }
    })();

    // Reads and writes (sign-ins: a session and an audit event each), eight at a time.
    const outcomes: Outcome[] = [];
    let stopSent = false;
    let completedAfterStop = 0;
    const loop = async (n: number) => {
      for (;;) {
        const outcome =
          n % 2
            ? await request(server.port, "GET", "/api/trpc/environments.list", undefined, bearer)
            : await request(
                server.port,
                "POST",
                "/api/trpc/auth.login",
                { username: "admin", password: PASSWORD },
                {
                  origin: server.url,
                },
              );
        outcomes.push(outcome);
        if (stopSent && outcome.kind === "ok") completedAfterStop++;
        if (outcome.kind !== "ok") return;
      }
    };
    const loops = Array.from({ length: 8 }, (_, n) => loop(n));
    while (outcomes.filter((o) => o.kind === "ok").length < 40) await new Promise((r) => setTimeout(r, 20));
    stopSent = true;
    server.child.kill("SIGTERM");
    await Promise.all(loops);
    const code = await server.exited;

    expect(outcomes.filter((o) => o.kind === "failed")).toEqual([]);
    expect(outcomes.filter((o) => o.kind === "refused").length).toBe(8);
    expect(code, server.output()).toBe(0);
    await consoleClosed;
    expect(controls).toContainEqual(expect.objectContaining({ type: "exit", message: "Stevedore is shutting down." }));
    expect(await streamEnded).toBe("ended");
    console.log(
      `graceful stop: ${outcomes.length} requests, ${completedAfterStop} completed after SIGTERM, none failed`,
    );
  });
});
