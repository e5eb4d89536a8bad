// Credentials that end end everything they opened (issue #11 item 6), within 5 s: a revoked
// or expired token, sign-out, sign-out everywhere, a password change or reset, a disabled
// user, a two-factor requirement the user has not met. Each case opens, with one credential,
// what a user can hold open — an exec console and an attachment (websockets), followed logs
// over server-sent events and the log download, the live changes, the audit tail and stats —
// on a real engine, through real HTTP, SSE and websocket clients, then ends the credential
// and waits for every one of them to end.
import { request, type IncomingMessage } from "node:http";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { environmentPermissions } from "../rbac/catalogue";
import { startApiServer, type ApiServer } from "../testing/api-server";
import { codeOf } from "../testing/calls";
import { openHarness, TEST_PASSWORD, type Harness } from "../testing/harness";
import { need } from "../testing/testbed-env";
import type { Actor } from "../core/context";
import { SESSION_COOKIE } from "./sessions";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const LABEL = { "stevedore.test": "credential-end" };
/** The promise: everything a credential opened ends within this long after the credential does. */
const END_WITHIN_MS = 5000;

let h: Harness;
let api: ApiServer;
let admin: Actor;
let environmentId: string;
let running: string;
let bigLog: string;
let roleName: string;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "end-admin")).id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socketPath}` })).id;
  // Everything inside environments, and the audit trail: enough to open each kind of stream.
  roleName = (await h.makeRole([...environmentPermissions, "audit.read"], "streams")).name;
  const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
  const sleeper = await engine.createContainer({
    Image: image,
    name: `credential-end-${Date.now()}`,
    Cmd: ["sh", "-c", "while true; do echo tick; sleep 1; done"],
    Tty: true,
    OpenStdin: true,
    Labels: LABEL,
  });
  await sleeper.start();
  running = sleeper.id;
  // A log far bigger than socket buffers, so a download nobody reads stays open.
  const big = await engine.createContainer({
    Image: image,
    name: `credential-end-big-${Date.now()}`,
    Cmd: ["sh", "-c", "busybox seq -w 1 400000 | busybox sed 's/$/ a line of a long log to download/'"],
    Labels: LABEL,
  });
  await big.start();
  await big.wait();
  bigLog = big.id;
  api = await startApiServer(h.services);
}, 180_000);

afterAll(async () => {
  await api?.close();
  const left = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=credential-end"] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  h?.services.fleet.close();
  await h?.close();
});

type Credential = { kind: "token"; token: string; tokenId: string } | { kind: "session"; cookie: string };

function headersOf(credential: Credential): Record<string, string> {
  return credential.kind === "token"
    ? { authorization: `Bearer ${credential.token}` }
    : // A browser sends its cookie and, on websockets and mutations, its page's Origin.
      { cookie: credential.cookie, origin: api.origin };
}

async function newUser(name: string): Promise<Actor> {
  return h.actorFor((await h.makeUser([{ role: roleName }], name)).id);
}

async function tokenOf(actor: Actor): Promise<Credential> {
  const { token, id } = await h.caller(actor).tokens.create({ name: `t-${Date.now()}`, expiresInDays: 1 });
  return { kind: "token", token, tokenId: id };
}

async function sessionOf(username: string): Promise<Credential> {
  const anon = h.caller(null, { ip: "10.77.0.1" });
  await anon.auth.login({ username, password: TEST_PASSWORD });
  const cookie = anon.cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!;
  return { kind: "session", cookie };
}

interface Open {
  what: string;
  /** resolves when the server ended it (socket closed, stream or download cut) */
  ended: Promise<void>;
  isEnded(): boolean;
  /** for a reader that stopped reading: read again (a stalled reader only learns of the end by reading) */
  resume?(): void;
  /** false when it ran to its natural end rather than being cut */
  cut?(): boolean;
}

function tracked(what: string, ended: Promise<void>, more: Partial<Open> = {}): Open {
  let done = false;
  const settled = ended.then(
    () => void (done = true),
    () => void (done = true),
  );
  return { what, ended: settled, isEnded: () => done, ...more };
}

/** A console websocket, once the server says it is ready. */
function openSocket(path: "exec" | "attach", credential: Credential): Promise<Open> {
  const qs = new URLSearchParams({ environmentId, containerId: running, cmd: "sh" });
  const socket = new WebSocket(`ws://127.0.0.1:${api.port}/api/ws/${path}?${qs.toString()}`, {
    headers: headersOf(credential),
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return new Promise((resolve, reject) => {
    socket.on("unexpected-response", (_req, res) => reject(new Error(`${path}: HTTP ${res.statusCode}`)));
    socket.on("error", reject);
    socket.on("message", (data: Buffer, binary: boolean) => {
      if (!binary && (JSON.parse(data.toString()) as { type: string }).type === "ready") {
        resolve(tracked(`${path} websocket`, closed));
      }
    });
  });
}

/** A tRPC subscription over server-sent events, once the server has said "connected". */
async function openEvents(procedure: string, input: unknown, credential: Credential): Promise<Open> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${api.origin}/api/trpc/${procedure}${query}`, {
    headers: { ...headersOf(credential), accept: "text/event-stream" },
  });
  if (res.status !== 200) throw new Error(`${procedure}: HTTP ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes("event: connected")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${procedure} ended at once: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return;
  })();
  return tracked(`${procedure} (SSE)`, ended);
}

/** The log download, its body left unread (as a stalled client leaves it). */
function openDownload(credential: Credential): Promise<Open> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.origin}/api/containers/logs/${environmentId}/${bigLog}`,
      { headers: headersOf(credential) },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) return reject(new Error(`download: HTTP ${res.statusCode}`));
        const ended = new Promise<void>((done) => {
          res.once("close", () => done());
          res.once("error", () => done());
          res.once("end", () => done());
        });
        // Read nothing: the server's writes back up, and it waits for "drain".
        res.pause();
        resolve(
          tracked("log download", ended, {
            // Reading on drains what the sockets hold, then finds the end: cut short, or the
            // whole log when nothing cut it.
            resume: () => void res.resume(),
            cut: () => !res.complete,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function openEverything(credential: Credential): Promise<Open[]> {
  return Promise.all([
    openSocket("exec", credential),
    openSocket("attach", credential),
    openEvents("containers.logs", { environmentId, id: running, follow: true, tail: 5 }, credential),
    openDownload(credential),
    openEvents("fleet.changes", undefined, credential),
    openEvents("audit.tail", undefined, credential),
    openEvents("containers.stats", { environmentId, id: running }, credential),
  ]);
}

/** Ends the credential with `end`, then expects every one of `open` to end within the promise. */
async function expectAllEnd(open: Open[], end: () => Promise<unknown>): Promise<void> {
  expect(open.filter((o) => o.isEnded()).map((o) => o.what)).toEqual([]);
  await end();
  const endedAt = Date.now();
  for (const o of open) o.resume?.();
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, END_WITHIN_MS).unref());
  await Promise.race([Promise.all(open.map((o) => o.ended)), deadline]);
  const late = open.filter((o) => !o.isEnded()).map((o) => o.what);
  expect(late, `still open ${Date.now() - endedAt} ms after the credential ended`).toEqual([]);
  expect(
    open.filter((o) => o.cut && !o.cut()).map((o) => o.what),
    "ran to the end instead of being cut",
  ).toEqual([]);
}

async function httpMutation(procedure: string, credential: Credential, input?: unknown): Promise<number> {
  const res = await fetch(`${api.origin}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { ...headersOf(credential), "content-type": "application/json" },
    body: JSON.stringify(input ?? null),
  });
  return res.status;
}

describe("what a credential opened ends with it", () => {
  it("a token its owner revokes", async () => {
    const user = await newUser("end-revoked");
    const token = await tokenOf(user);
    const open = await openEverything(token);
    await expectAllEnd(open, () =>
      h.caller(user).tokens.revoke({ id: (token as Extract<Credential, { kind: "token" }>).tokenId }),
    );
  });

  it("a token that expires", async () => {
    const user = await newUser("end-expired");
    const token = (await tokenOf(user)) as Extract<Credential, { kind: "token" }>;
    const open = await openEverything(token);
    // Nothing happens through Stevedore: time passes (the expiry is moved, as the clock would).
    await expectAllEnd(open, () =>
      h.prisma.apiToken.update({ where: { id: token.tokenId }, data: { expiresAt: new Date(Date.now() - 1) } }),
    );
  });

  it("sign-out, leaving the user's other credentials alone", async () => {
    const user = await newUser("end-signout");
    const session = await sessionOf(user.username);
    const open = await openEverything(session);
    const other = await openSocket("exec", await tokenOf(user));
    await expectAllEnd(open, async () => expect(await httpMutation("auth.logout", session)).toBe(200));
    expect(other.isEnded()).toBe(false);
  });

  it("sign-out everywhere, from another browser", async () => {
    const user = await newUser("end-everywhere");
    const session = await sessionOf(user.username);
    const open = await openEverything(session);
    const elsewhere = await sessionOf(user.username);
    await expectAllEnd(open, async () => expect(await httpMutation("auth.logoutEverywhere", elsewhere)).toBe(200));
  });

  it("a password change: the other sessions and every token", async () => {
    const user = await newUser("end-password");
    const session = await sessionOf(user.username);
    const token = await tokenOf(user);
    const open = [...(await openEverything(session)), await openSocket("exec", token), await openDownload(token)];
    const changing = await sessionOf(user.username);
    await expectAllEnd(open, async () =>
      expect(
        await httpMutation("auth.changePassword", changing, {
          currentPassword: TEST_PASSWORD,
          newPassword: "a different long passphrase",
        }),
      ).toBe(200),
    );
    // The token is revoked for good, not only its streams.
    const res = await fetch(`${api.origin}/api/trpc/auth.me`, { headers: headersOf(token) });
    expect(res.status).toBe(401);
  });

  it("a password reset by an administrator", async () => {
    const user = await newUser("end-reset");
    const token = await tokenOf(user);
    const open = [...(await openEverything(token)), await openSocket("exec", await sessionOf(user.username))];
    await expectAllEnd(open, () =>
      h.caller(admin).users.resetPassword({ id: user.userId, password: "an administrator's new one" }),
    );
    expect(await h.prisma.apiToken.count({ where: { userId: user.userId, revokedAt: null } })).toBe(0);
  });

  it("a disabled account", async () => {
    const user = await newUser("end-disabled");
    const open = [
      ...(await openEverything(await sessionOf(user.username))),
      await openSocket("attach", await tokenOf(user)),
    ];
    await expectAllEnd(open, () => h.caller(admin).users.update({ id: user.userId, disabled: true }));
  });

  it("a token an administrator revokes", async () => {
    const user = await newUser("end-admin-revoked");
    const token = (await tokenOf(user)) as Extract<Credential, { kind: "token" }>;
    expect((await h.caller(admin).tokens.listFor({ userId: user.userId })).map((t) => t.id)).toEqual([token.tokenId]);
    const open = await openEverything(token);
    await expectAllEnd(open, () => h.caller(admin).tokens.revokeFor({ id: token.tokenId }));
  });

  it("two-factor required, not enrolled: the user's tokens stop, and no new one can be made (item 7)", async () => {
    const user = await newUser("end-unenrolled");
    const token = await tokenOf(user);
    const open = await openEverything(token);
    await expectAllEnd(open, () => h.caller(admin).settings.update({ requireTwoFactor: true }));
    try {
      const res = await fetch(`${api.origin}/api/trpc/auth.me`, { headers: headersOf(token) });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain("Two-factor sign-in is required");
      const session = (await sessionOf(user.username)) as Extract<Credential, { kind: "session" }>;
      expect(await httpMutation("tokens.create", session, { name: "sidestep", expiresInDays: 1 })).toBe(403);
      expect(await h.prisma.apiToken.count({ where: { userId: user.userId, name: "sidestep" } })).toBe(0);
      // In-process too (the same builder), and the door refuses the token before any engine call.
      expect(
        await codeOf(h.caller({ ...user, mustEnrollTotp: true }).tokens.create({ name: "sidestep", expiresInDays: 1 })),
      ).toBe("FORBIDDEN");
      await expect(openSocket("exec", token)).rejects.toThrow(/HTTP 401/);
    } finally {
      await h.caller(admin).settings.update({ requireTwoFactor: false });
    }
  });
});
