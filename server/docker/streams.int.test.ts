// One user cannot take an engine down for everyone: long-lived streams (followed logs here, as
// a browser follows them) have a pool and a budget of their own, apart from short calls, with a
// cap per user; and an upload whose sender stalls is given up. Against the test bed's real
// engine, through the real HTTP API.
import { createServer, request, type ClientRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { containerFilesRoute } from "../transport/http/container-files";
import { CONTAINER_FILES_PREFIX } from "../transport/http/container-files-limits";
import { serveTrpc, TRPC_PREFIX } from "../transport/http/trpc";
import { openHarness, type Harness } from "../testing/harness";
import { need } from "../testing/testbed-env";
import type { Actor } from "../core/context";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const LABEL = { "stevedore.test": "streams" };
// The route's stall bound, shorter than the server's 30 s: waited for whole, it was most of this file.
const UPLOAD_STALL_MS = 5_000;

let h: Harness;
let server: Server;
let origin: string;
let environmentId: string;
let ticking: string;
let other: string;
let uploadTarget: string;
let alice: { actor: Actor; token: string };
let bob: { actor: Actor; token: string };
let carol: { actor: Actor; token: string };

async function user(name: string, role = "Operator") {
  const user = await h.makeUser([{ role }], `${name}-${Date.now()}`);
  const actor = await h.actorFor(user.id);
  return { actor, token: (await h.caller(actor).tokens.create({ name, expiresInDays: 1 })).token };
}

async function container(name: string, script: string): Promise<string> {
  const created = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `streams-${name}-${Date.now()}`,
    Cmd: ["sh", "-c", script],
    Labels: LABEL,
  });
  await created.start();
  return created.id;
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "streams-admin")).id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socketPath}` })).id;
  alice = await user("alice");
  bob = await user("bob");
  carol = await user("carol", "Environment admin");
  const files = containerFilesRoute({ uploadStallMs: UPLOAD_STALL_MS });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://test.local");
    const handled = url.pathname.startsWith(TRPC_PREFIX)
      ? serveTrpc(h.services, req, res, url)
      : url.pathname === CONTAINER_FILES_PREFIX
        ? files.handle(h.services, req, res, url)
        : Promise.resolve(void res.writeHead(404).end());
    handled.catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ticking = await container("ticking", "while true; do echo tick; sleep 1; done");
  other = await container("other", "sleep 3600");
  // Its own container: the engine locks the one an archive is written into while it is written.
  uploadTarget = await container("upload", "sleep 3600");
}, 180_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  const left = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=streams"] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await h?.close();
});

interface Follower {
  /** "following" once a log line arrived, else the refusal's message. */
  outcome: Promise<string>;
  close(): void;
}

/** containers.logs followed over server-sent events, as the logs page does. */
function follow(token: string): Follower {
  const input = encodeURIComponent(JSON.stringify({ environmentId, id: ticking, follow: true, tail: 0 }));
  let req: ClientRequest | undefined;
  const outcome = new Promise<string>((resolve) => {
    req = request(
      `${origin}${TRPC_PREFIX}containers.logs?input=${input}`,
      { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.includes("tick")) resolve("following");
          const error = /event: serialized-error\ndata: (.*)\n/.exec(text)?.[1];
          if (error) resolve((JSON.parse(error) as { message?: string }).message ?? error);
        });
        res.on("end", () => resolve(`ended: ${text.slice(0, 200)}`));
      },
    );
    req.on("error", (error) => resolve(`error: ${error.message}`));
    req.end();
  });
  return { outcome, close: () => req?.destroy() };
}

/** Short calls on the same engine, as other pages make them, each with its usual deadline. */
async function shortCalls(actor: Actor): Promise<void> {
  const api = h.caller(actor);
  await Promise.all([
    api.containers.get({ environmentId, id: other }),
    api.containers.inspect({ environmentId, id: other }),
    api.containers.top({ environmentId, id: other }),
    api.containers.changes({ environmentId, id: other }),
    api.containers.get({ environmentId, id: ticking }),
    api.containers.list({ environmentIds: [environmentId] }).then((list) => expect(list.errors).toEqual([])),
  ]);
  await api.containers.restart({ environmentId, id: other, timeoutSeconds: 0 });
}

describe("long-lived streams", () => {
  it("14 followers from one user: 8 follow, 6 are refused clearly, and every other call still answers", async () => {
    const followers = Array.from({ length: 14 }, () => follow(alice.token));
    const outcomes = await Promise.all(followers.map((f) => f.outcome));
    expect(outcomes.filter((o) => o === "following")).toHaveLength(8);
    const refused = outcomes.filter((o) => o !== "following");
    expect(refused).toHaveLength(6);
    for (const message of refused) expect(message).toMatch(/You have 8 live streams open on this environment/);

    // While they follow: the same user's and another user's short calls, and a restart.
    await shortCalls(alice.actor);
    await shortCalls(bob.actor);
    expect(h.services.fleet.status(environmentId)?.state).toBe("up");
    // The cap is per user: someone else may still follow.
    const bobs = follow(bob.token);
    expect(await bobs.outcome).toBe("following");
    bobs.close();

    // Closing a page gives its place back.
    followers[0]!.close();
    const until = Date.now() + 15_000;
    let again = follow(alice.token);
    while ((await again.outcome) !== "following" && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      again = follow(alice.token);
    }
    expect(await again.outcome).toBe("following");
    again.close();
    for (const f of followers) f.close();
    expect(h.services.fleet.status(environmentId)?.state).toBe("up");
  }, 120_000);

  it("an upload whose sender stalls is given up, and holds nothing short calls need meanwhile", async () => {
    const qs = new URLSearchParams({ environmentId, containerId: uploadTarget, path: "/tmp", name: "stalled.bin" });
    const started = Date.now();
    const answer = new Promise<{ status: number; body: string }>((resolve) => {
      const req = request(
        `${origin}${CONTAINER_FILES_PREFIX}?${qs.toString()}`,
        {
          method: "PUT",
          headers: { authorization: `Bearer ${carol.token}`, "content-length": String(1024 * 1024), origin },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", (error) => resolve({ status: 0, body: error.message }));
      // A first piece, then nothing: the sender stalls (the connection stays open).
      req.write(Buffer.alloc(4096, 1));
    });
    // Meanwhile, short calls on that engine go through.
    for (let i = 0; i < 3; i++) await shortCalls(alice.actor);
    const { status, body } = await answer;
    expect(status).toBe(408);
    expect(body).toMatch(/stalled: nothing arrived for 5 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(UPLOAD_STALL_MS - 1000);
    await shortCalls(bob.actor);
  }, 120_000);
});
