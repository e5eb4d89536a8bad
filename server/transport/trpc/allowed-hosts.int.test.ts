// DNS rebinding (issue #11 item 17): a page on evil.example re-pointed at this server sends
// same-origin requests with `Host: evil.example`. Through real HTTP and a real websocket
// client: state-changing calls, the first-run setup and console websockets are accepted only
// for the first host name this server was reached by (no STEVEDORE_ALLOWED_HOSTS here) or an
// address; refusals say why and are on the record.
import { request } from "node:http";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { startApiServer, type ApiServer } from "../../testing/api-server";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { FIRST_HOST_KEY } from "../../core/origin";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
let h: Harness;
let api: ApiServer;
let token: string;
let environmentId: string;
let containerId: string;

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "hosts-admin")).id);
  token = (await h.caller(admin).tokens.create({ name: "hosts", expiresInDays: 1 })).token;
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socketPath}` })).id;
  const engine = new Docker({ socketPath, version: "v1.41" });
  const container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `allowed-hosts-${Date.now()}`,
    Cmd: ["sleep", "600"],
    Labels: { "stevedore.test": "allowed-hosts" },
  });
  await container.start();
  containerId = container.id;
  api = await startApiServer(h.services);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await new Docker({ socketPath, version: "v1.41" })
    .getContainer(containerId)
    .remove({ force: true })
    .catch(() => undefined);
  h?.services.fleet.close();
  await h?.close();
});

/** A POST as a browser on `host` would send it (Origin and Host agree, as under rebinding). */
function post(host: string, procedure: string, input: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(input);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${api.origin}/api/trpc/${procedure}`,
      {
        method: "POST",
        headers: { host, origin: `http://${host}`, "content-type": "application/json", ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const bearer = () => ({ authorization: `Bearer ${token}` });

describe("host names", () => {
  it("pins the first host name seen, then refuses others for changes, with a clear message, on the record", async () => {
    // The operator's own name, first: remembered.
    const first = await post(
      "stevedore.example.com:3000",
      "tokens.create",
      { name: "first", expiresInDays: 1 },
      bearer(),
    );
    expect(first.status).toBe(200);
    expect((await h.prisma.setting.findUniqueOrThrow({ where: { key: FIRST_HOST_KEY } })).value).toBe(
      "stevedore.example.com",
    );
    // The rebinding page's name: refused, and nothing made.
    const rebound = await post("evil.example:3000", "tokens.create", { name: "rebound", expiresInDays: 1 }, bearer());
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain("does not answer to the host name evil.example");
    expect(rebound.body).toContain("STEVEDORE_ALLOWED_HOSTS");
    expect(await h.prisma.apiToken.count({ where: { name: "rebound" } })).toBe(0);
    const denied = await h.prisma.auditEvent.findFirst({ where: { action: "tokens.create", outcome: "denied" } });
    expect(denied?.error).toContain("evil.example");
    // Addresses and localhost are always this server's own.
    for (const host of [`127.0.0.1:${api.port}`, `localhost:${api.port}`, "[::1]:3000"]) {
      expect((await post(host, "tokens.create", { name: `via-${host}`, expiresInDays: 1 }, bearer())).status).toBe(200);
    }
    // Reads are not changes: still answered (the pages hold nothing without a cookie for that name).
    const read = await new Promise<number>((resolve) => {
      request(`${api.origin}/api/trpc/system.health`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end();
    });
    expect(read).toBe(200);
  });

  it("refuses the first-run setup from a rebound name", async () => {
    const res = await post("evil.example", "auth.setup", {
      setupCode: "AAAAA-BBBBB-CCCCC-DDDDD",
      username: "intruder",
      password: "a long and unusual passphrase",
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain("does not answer to the host name evil.example");
    expect(await h.prisma.user.count({ where: { username: "intruder" } })).toBe(0);
    expect(await h.prisma.auditEvent.count({ where: { action: "auth.setup", outcome: "denied" } })).toBe(1);
  });

  it("refuses a console websocket to a rebound name before the upgrade, on the record", async () => {
    const qs = new URLSearchParams({ environmentId, containerId, cmd: "sh" });
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${api.port}/api/ws/exec?${qs.toString()}`, {
        headers: { ...bearer(), host: "evil.example", origin: "http://evil.example" },
      });
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.on("open", () => reject(new Error("the websocket opened")));
      socket.on("error", () => undefined);
    });
    expect(status).toBe(403);
    const denied = await h.prisma.auditEvent.findFirst({ where: { action: "console.exec", outcome: "denied" } });
    expect(denied?.error).toContain("evil.example");
    expect(await h.prisma.auditEvent.count({ where: { action: "console.exec", outcome: { not: "denied" } } })).toBe(0);
  });
});
