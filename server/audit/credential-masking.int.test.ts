// Credentials are found by their value, not only by the variable's name (issue #11 item 9): a
// password in a URL, tokens of GitHub, GitLab, Slack, Stripe, AWS key ids, JWTs and private
// keys, under names that say nothing ("UPSTREAM", "CI_VALUE"). Put into a container, a swarm
// service and a stack through the API, they never reach a Read-only user (containers.get, the
// raw inspect, duplicate-and-edit, services.get, an update preview, stacks.get and the kept
// version), nor the audit trail (the create and update events, list, CSV and NDJSON exports);
// ordinary values (hosts, paths, versions) stay readable everywhere.
import { generateKeyPairSync } from "node:crypto";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "../testing/harness";
import { need } from "../testing/testbed-env";
import type { Actor } from "../core/context";
import { waitUntil } from "../testing/wait-until";

const testbed = inject("testbed");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const standaloneSocket = need(testbed, "TESTBED_STANDALONE_SOCKET");
const managerSocket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const standalone = new Docker({ socketPath: standaloneSocket, version: "v1.41" });
const manager = new Docker({ socketPath: managerSocket, version: "v1.41" });
const TAG = `cm${process.pid % 1000}`;

const privateKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
  type: "pkcs8",
  format: "pem",
}) as string;

/** Credentials under names that do not say so, each with the part that must never show. */
const CREDENTIALS: { name: string; value: string; secret: string }[] = [
  { name: "UPSTREAM", value: "postgres://app:pw-Upstream-771@db:5432/app", secret: "pw-Upstream-771" },
  { name: "CACHE", value: "redis://:pw-Cache-772@cache:6379/0", secret: "pw-Cache-772" },
  {
    name: "REMOTE",
    value: "https://deploy:pw-Remote-773@git.example.com/team/app.git",
    secret: "pw-Remote-773",
  },
  { name: "CI_VALUE", value: "ghp_h7G1tHuBv4lu3a1B2c3D4e5F6g7H8i9J0k1L", secret: "h7G1tHuBv4lu3a1B2c3D4e5F6g" },
  { name: "RUNNER", value: "glpat-h7G1tLaBv4lu3a1B2c3D", secret: "h7G1tLaBv4lu3a1B2c3D" },
  { name: "AWS_ID", value: "AKIAQYLPMN5HH7FPZAM2", secret: "QYLPMN5HH7FPZAM2" },
  {
    name: "CHAT",
    value: "xoxb-123456789012-1234567890123-h7SlackBv4lu3a1B2c3D4e5F",
    secret: "h7SlackBv4lu3a1B2c3D4e5F",
  },
  { name: "PAYMENTS", value: "sk_live_h7StripeBv4lu3a1B2c3D4e5F6g", secret: "h7StripeBv4lu3a1B2c3D4e5F6g" },
  {
    name: "SESSION_SEED_VALUE",
    value: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJoN2p3dCIsIm4iOjF9.h7JwtSignatureBv4lu3a1B2c3D4e5F6g7H8i9",
    secret: "h7JwtSignatureBv4lu3a1B2c3D4e5F6g7H8i9",
  },
  { name: "SIGNING", value: privateKey, secret: privateKey.split("\n")[1]!.slice(0, 40) },
];
/** Ordinary values that must stay readable. */
const ORDINARY: { name: string; value: string }[] = [
  { name: "PGHOST", value: "db.internal.example.com" },
  { name: "DATA_DIR", value: "/var/lib/app/data" },
  { name: "APP_VERSION", value: "1.25.3" },
  { name: "HOMEPAGE", value: "https://example.com/path?x=1" },
];
const ENV = [...CREDENTIALS, ...ORDINARY].map(({ name, value }) => ({ name, value }));
/** A token in the command line and in a label, where names say nothing either. */
const COMMAND = [
  "sh",
  "-c",
  "sleep 3600",
  "app",
  `--upstream=${CREDENTIALS[0]!.value}`,
  CREDENTIALS[3]!.value,
  // Secret by the flag's name only: the value says nothing by its form.
  "--password",
  "pw-Flag-779",
  "--api-token=pw-Flag-781",
];
const LABELS = {
  "deploy.remote": CREDENTIALS[2]!.value,
  "deploy.note": "db.internal.example.com",
  // Secret by the label's name only.
  "deploy.token": "pw-LabelName-780",
};
/** Values secret only by the name they are given (a flag, a label key). */
const NAMED_SECRETS = ["pw-Flag-779", "pw-Flag-781", "pw-LabelName-780"];

const dump = (value: unknown) =>
  typeof value === "string"
    ? value
    : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));

function expectNoCredential(what: string, value: unknown): void {
  const text = dump(value);
  for (const c of CREDENTIALS) expect(text, `${what}: ${c.name}`).not.toContain(c.secret);
}

function expectOrdinary(what: string, value: unknown): void {
  const text = dump(value);
  for (const o of ORDINARY) expect(text, `${what}: ${o.name}`).toContain(o.value);
}

let h: Harness;
let admin: Actor;
let reader: Actor;
let standaloneId: string;
let managerId: string;

/** The events of these actions once written with their outcome (the trail is written in order, off the call). */
async function eventsOf(actions: string[], count: number) {
  return waitUntil(async () => {
    const events = await h.prisma.auditEvent.findMany({ where: { action: { in: actions } } });
    return events.length >= count && events.every((e) => e.outcome === "ok") ? events : undefined;
  });
}

async function cleanUp() {
  const containers = await standalone.listContainers({ all: true, filters: { label: [`stevedore.test=${TAG}`] } });
  await Promise.all(containers.map((c) => standalone.getContainer(c.Id).remove({ force: true })));
  const services = await manager.listServices();
  await Promise.all(
    services.filter((s) => s.Spec?.Name?.startsWith(TAG)).map((s) => manager.getService(s.ID).remove()),
  );
}

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], `${TAG}-admin`)).id);
  reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }], `${TAG}-reader`)).id);
  await cleanUp();
  const api = h.caller(admin);
  standaloneId = (await api.environments.create({ name: `${TAG}-standalone`, url: `unix://${standaloneSocket}` })).id;
  managerId = (await api.environments.create({ name: `${TAG}-manager`, url: `unix://${managerSocket}` })).id;
  await waitUntil(() =>
    Promise.resolve(h.services.fleet.status(managerId)?.swarm?.role === "manager" ? true : undefined),
  );
}, 180_000);

afterAll(async () => {
  await cleanUp().catch(() => undefined);
  await h?.close();
}, 180_000);

describe("credentials found by their value are masked everywhere", () => {
  it("a container: what a Read-only user sees, and the create event in the trail and its exports", async () => {
    const created = await h.caller(admin).containers.create({
      environmentId: standaloneId,
      spec: {
        image,
        name: `${TAG}-app`,
        command: COMMAND,
        env: ENV,
        labels: { ...LABELS, "stevedore.test": TAG },
        start: true,
      },
    });
    const target = { environmentId: standaloneId, id: created.id };
    // The engine has them as given: the masking is Stevedore's.
    expect((await standalone.getContainer(created.id).inspect()).Config.Env).toContain(
      `UPSTREAM=${CREDENTIALS[0]!.value}`,
    );

    const api = h.caller(reader);
    const detail = await api.containers.get(target);
    expectNoCredential("containers.get", detail);
    expectOrdinary("containers.get", detail);
    expect(detail.labels["deploy.note"]).toBe("db.internal.example.com");
    const raw = await api.containers.inspect(target);
    expectNoCredential("containers.inspect", raw);
    expectOrdinary("containers.inspect", raw);
    const copy = await api.containers.specOf(target);
    expectNoCredential("containers.specOf", copy);
    expect(copy.kept.sort()).toEqual(CREDENTIALS.map((c) => c.name).sort());

    // Whoever may see secrets sees them.
    const full = await h.caller(admin).containers.get(target);
    expect(full.env).toContainEqual({ name: "CI_VALUE", value: CREDENTIALS[3]!.value });

    const events = await eventsOf(["containers.create"], 1);
    expectNoCredential("stored create event", events);
    expectOrdinary("stored create event", events);
    const listed = await h.caller(admin).audit.list({ limit: 200 });
    expectNoCredential("audit.list", listed);
    for (const format of ["csv", "ndjson"] as const) {
      const { content } = await h.caller(admin).audit.export({ format });
      expectNoCredential(`audit export ${format}`, content);
      expect(content).toContain("db.internal.example.com");
    }
  });

  it("a swarm service: detail and raw spec, an update preview, the update event; an update keeps masked values", async () => {
    const api = h.caller(admin);
    const name = `${TAG}-svc`;
    const created = await api.services.create({
      environmentId: managerId,
      spec: {
        name,
        image,
        command: COMMAND,
        env: ENV,
        labels: LABELS,
        containerLabels: LABELS,
        stopGracePeriodSeconds: 1,
        updateConfig: { monitorSeconds: 1 },
      },
    });
    const detail = await h.caller(reader).services.get({ environmentId: managerId, id: created.id });
    expectNoCredential("services.get", detail);
    for (const secret of NAMED_SECRETS) expect(dump(detail), `services.get: ${secret}`).not.toContain(secret);
    const list = await h.caller(reader).services.list({ environmentIds: [managerId] });
    for (const secret of NAMED_SECRETS) expect(dump(list), `services.list: ${secret}`).not.toContain(secret);
    expectOrdinary("services.get", detail);
    expect(detail.spec.labels?.["deploy.note"]).toBe("db.internal.example.com");

    // Someone who may update but not see secrets changes one plain value and sends the rest back masked.
    const updater = await h.makeRole(["service.read", "service.update"]);
    const blind = await h.actorFor((await h.makeUser([{ role: updater.name }])).id);
    const masked = await h.caller(blind).services.get({ environmentId: managerId, id: created.id });
    const next = {
      ...masked.spec,
      env: (masked.spec.env ?? []).map((e) => (e.name === "APP_VERSION" ? { ...e, value: "1.25.4" } : e)),
    };
    const preview = await h
      .caller(blind)
      .services.previewUpdate({ environmentId: managerId, id: created.id, spec: next });
    expectNoCredential("services.previewUpdate", preview);
    expect(preview.changes.map((c) => c.path)).toEqual(["TaskTemplate.ContainerSpec.Env"]);
    await h.caller(blind).services.update({ environmentId: managerId, id: created.id, spec: next });
    const inspected = (await manager.getService(created.id).inspect()) as { Spec: unknown };
    const spec = inspected.Spec as {
      Labels: Record<string, string>;
      TaskTemplate: { ContainerSpec: { Env: string[]; Args: string[]; Labels: Record<string, string> } };
    };
    expect(spec.TaskTemplate.ContainerSpec.Env).toContain(`CI_VALUE=${CREDENTIALS[3]!.value}`);
    expect(spec.TaskTemplate.ContainerSpec.Env).toContain("APP_VERSION=1.25.4");
    expect(spec.TaskTemplate.ContainerSpec.Args).toEqual(COMMAND);
    expect(spec.Labels["deploy.remote"]).toBe(LABELS["deploy.remote"]);
    expect(spec.TaskTemplate.ContainerSpec.Labels["deploy.remote"]).toBe(LABELS["deploy.remote"]);

    const events = await eventsOf(["services.create", "services.update"], 2);
    expect(events.map((e) => e.action).sort()).toEqual(["services.create", "services.update"]);
    expectNoCredential("stored service events", events);
    for (const format of ["csv", "ndjson"] as const) {
      expectNoCredential(`audit export ${format}`, (await api.audit.export({ format })).content);
    }
  });

  it("a stack: its kept version and live state as a Read-only user, and its deploy event", async () => {
    const stack = `${TAG}stk`;
    const composeFile = [
      "services:",
      "  app:",
      `    image: ${image}`,
      "    command: sleep 3600",
      "    environment:",
      `      UPSTREAM: ${CREDENTIALS[0]!.value}`,
      `      CI_VALUE: ${CREDENTIALS[3]!.value}`,
      `      PAYMENTS: ${CREDENTIALS[7]!.value}`,
      "      PGHOST: db.internal.example.com",
      "      DATA_DIR: /var/lib/app/data",
      '      APP_VERSION: "1.25.3"',
      "      HOMEPAGE: https://example.com/path?x=1",
      "      REMOTE: ${REMOTE}",
      "    deploy:",
      "      replicas: 0",
      "",
    ].join("\n");
    const api = h.caller(admin);
    try {
      await api.stacks.deploy({
        environmentId: managerId,
        name: stack,
        composeFile,
        environment: { REMOTE: CREDENTIALS[2]!.value, REGION: "eu-central-1" },
      });
      const read = h.caller(reader);
      const version = await read.stacks.version({ environmentId: managerId, name: stack });
      expectNoCredential("stacks.version", version);
      expectOrdinary("stacks.version", version);
      expect(version.environment).toContainEqual({ name: "REGION", value: "eu-central-1", kept: true });
      expect(version.environment).toContainEqual({ name: "REMOTE", kept: true });
      expectNoCredential("stacks.get", await read.stacks.get({ environmentId: managerId, name: stack }));
      // Whoever may deploy edits the file as written.
      expect((await api.stacks.version({ environmentId: managerId, name: stack })).composeFile).toBe(composeFile);

      const service = await waitUntil(async () => {
        const found = await manager.listServices({ filters: { name: [`${stack}_app`] } });
        return found[0];
      });
      const detail = await read.services.get({ environmentId: managerId, id: service.ID });
      expectNoCredential("services.get of a stack's service", detail);
      expect(JSON.stringify(detail)).toContain("db.internal.example.com");

      const events = await eventsOf(["stacks.deploy"], 1);
      expectNoCredential("stored stack event", events);
    } finally {
      await api.stacks.remove({ environmentId: managerId, name: stack }).catch(() => undefined);
    }
  });
});
