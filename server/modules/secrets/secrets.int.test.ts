// secrets.* and configs.* through the API on the test bed's real swarm, as each role: create
// from text and from a file's bytes, list with the services that use each, remove (refused while
// in use, naming the service), read a config's data, rotate a secret (the service mounts the new
// version at the same target, the old one goes once no task uses it). Refusals change nothing;
// a secret's data is in no answer and no audit event.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "@/server/testing/calls";
import { openHarness, type Harness } from "@/server/testing/harness";
import { need } from "@/server/testing/testbed-env";
import type { Actor } from "@/server/core/context";
import { waitUntil } from "../../testing/wait-until";

const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = new Docker({ socketPath: socket, version: "v1.41" });

const PREFIX = "h14sec";
const SECRET_TEXT = "h14-secret-never-returned-7f3a";
const ROTATED_TEXT = "h14-secret-rotated-never-returned-91c2";
const SERVICE = `${PREFIX}_app`;

let h: Harness;
let admin: Actor;
let operator: Actor;
let readOnly: Actor;
/** secret.write and config.write, without service.update */
let keeper: Actor;
let environmentId: string;

const asText = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));

async function cleanUp() {
  for (const s of await docker.listServices()) {
    if (s.Spec?.Name?.startsWith(PREFIX)) await docker.getService(s.ID).remove();
  }
  await waitUntil(async () => {
    const tasks = (await docker.listTasks()) as { Spec?: { ContainerSpec?: { Secrets?: { SecretName?: string }[] } } }[];
    const holding = tasks.some((t) => t.Spec?.ContainerSpec?.Secrets?.some((r) => r.SecretName?.startsWith(PREFIX)));
    return holding ? undefined : true;
  });
  for (const s of await docker.listSecrets()) if (s.Spec?.Name?.startsWith(PREFIX)) await docker.getSecret(s.ID).remove();
  for (const c of await docker.listConfigs()) if (c.Spec?.Name?.startsWith(PREFIX)) await docker.getConfig(c.ID).remove();
}

/** How a call failed: its code and message. */
async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await call.then(
    () => null,
    (e: unknown) => e as { code?: string; message?: string },
  );
  if (!error) throw new Error("expected the call to fail");
  return { code: error.code ?? "?", message: error.message ?? "" };
}

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "secrets-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "secrets-operator")).id);
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "secrets-reader")).id);
  const role = await h.makeRole(["secret.read", "secret.write", "config.read", "config.write"], "secret keeper");
  keeper = await h.actorFor((await h.makeUser([{ role: role.name }], "secrets-keeper")).id);
  await cleanUp();
  environmentId = (await h.caller(admin).environments.create({ name: "swarm manager", url: `unix://${socket}` })).id;
  await waitUntil(() =>
    Promise.resolve(h.services.fleet.status(environmentId)?.swarm?.role === "manager" ? true : undefined),
  );
}, 180_000);

afterAll(async () => {
  await cleanUp().catch(() => undefined);
  await h?.close();
}, 180_000);

describe("secrets and configs through the API", () => {
  it("refuses roles without the write permission and bad input, changing nothing", async () => {
    const before = await h.snapshot();
    const secretsBefore = (await docker.listSecrets()).length;
    const create = { environmentId, name: `${PREFIX}_db`, data: SECRET_TEXT };
    expect(await codeOf(h.caller(operator).secrets.create(create))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(readOnly).secrets.create(create))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(readOnly).configs.create(create))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(null).secrets.list())).toBe("UNAUTHORIZED");
    // Hostile and bad input: a 4xx each, never a 500.
    for (const bad of [
      { ...create, name: "../etc/passwd" },
      { ...create, name: "" },
      { ...create, name: "x".repeat(65) },
      { ...create, data: "" },
      { ...create, data: "not base64 at all!", encoding: "base64" as const },
      { ...create, data: "a".repeat(600 * 1024) },
      { ...create, labels: { "bad key!": "x" } },
    ]) {
      expect(await codeOf(h.caller(admin).secrets.create(bad)), JSON.stringify(bad).slice(0, 80)).toBe("BAD_REQUEST");
    }
    expect(await codeOf(h.caller(admin).secrets.remove({ environmentId, name: `${PREFIX}_none` }))).toBe("NOT_FOUND");
    expect(await codeOf(h.caller(admin).configs.get({ environmentId, name: `${PREFIX}_none` }))).toBe("NOT_FOUND");
    expect((await docker.listSecrets()).length).toBe(secretsBefore);
    expect(await h.snapshot()).toEqual(before);
  });

  it("creates, lists with their users, refuses removing one in use, and never gives a secret's data back", async () => {
    const created = await h.caller(admin).secrets.create({
      environmentId,
      name: `${PREFIX}_db`,
      data: SECRET_TEXT,
      labels: { team: "shop" },
    });
    expect(created.cli).toBe(`docker --context 'swarm manager' secret create --label team=shop ${PREFIX}_db ./data-file`);
    expect(await codeOf(h.caller(admin).secrets.create({ environmentId, name: `${PREFIX}_db`, data: "x" }))).toBe(
      "CONFLICT",
    );
    // A config from a file's bytes (base64), read back by a reader.
    const conf = Buffer.from("listen 8080\n");
    await h.caller(admin).configs.create({
      environmentId,
      name: `${PREFIX}_site`,
      data: conf.toString("base64"),
      encoding: "base64",
    });
    // Its data needs config.data.read (Operator and Helpdesk hold it); Read-only sees the
    // config in the list (name, labels, dates, users), never its data (review finding).
    const read = await h.caller(operator).configs.get({ environmentId, name: `${PREFIX}_site` });
    expect(read).toMatchObject({ text: "listen 8080\n", bytes: conf.length });
    const noData = await failure(h.caller(readOnly).configs.get({ environmentId, name: `${PREFIX}_site` }));
    expect(noData.code).toBe("FORBIDDEN");
    expect(noData.message).toContain("config.data.read");
    const listedConfig = (await h.caller(readOnly).configs.list()).items.find((c) => c.name === `${PREFIX}_site`);
    expect(listedConfig).toMatchObject({ name: `${PREFIX}_site`, labels: {}, usedBy: [] });
    expect(listedConfig?.createdAt).toMatch(/^\d{4}-/);
    expect(JSON.stringify(listedConfig)).not.toContain("listen 8080");
    expect(await codeOf(h.caller(operator).configs.remove({ environmentId, name: `${PREFIX}_site` }))).toBe(
      "FORBIDDEN",
    );

    const secretId = created.id;
    await docker.createService({
      Name: SERVICE,
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          Command: ["sleep", "3600"],
          StopGracePeriod: 1_000_000_000,
          Secrets: [
            {
              SecretID: secretId,
              SecretName: `${PREFIX}_db`,
              File: { Name: "db_password", UID: "0", GID: "0", Mode: 0o400 },
            },
          ],
        },
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as Docker.CreateServiceOptions);

    const listed = await h.caller(readOnly).secrets.list();
    const item = listed.items.find((s) => s.name === `${PREFIX}_db`);
    expect(item).toMatchObject({ labels: { team: "shop" }, usedBy: [{ service: SERVICE, target: "db_password" }] });
    expect(JSON.stringify(listed)).not.toContain(SECRET_TEXT);

    const refused = await h
      .caller(admin)
      .secrets.remove({ environmentId, name: `${PREFIX}_db` })
      .then(
        () => new Error("removed"),
        (e: unknown) => e as Error,
      );
    expect(refused).toMatchObject({ code: "CONFLICT" });
    expect(refused.message).toContain(`service ${SERVICE}`);
    expect((await docker.listSecrets()).some((s) => s.ID === secretId)).toBe(true);

    await h.services.audit.settled();
    const events = await h.prisma.auditEvent.findMany({ where: { action: { startsWith: "secrets." } } });
    expect(events.length).toBeGreaterThan(0);
    expect(asText(events)).not.toContain(SECRET_TEXT);
    expect(events.find((e) => e.action === "secrets.create" && e.outcome === "ok")).toMatchObject({
      targetKind: "secret",
      targetId: secretId,
      targetName: `${PREFIX}_db`,
    });
  });

  it("rotates a secret: the service mounts the new version at the same target, the old one is removed", async () => {
    // Without service.update, a rotation is refused and nothing is made.
    const secretsBefore = (await docker.listSecrets()).map((s) => s.Spec?.Name).sort();
    const refused = await h
      .caller(keeper)
      .secrets.rotate({ environmentId, name: `${PREFIX}_db`, data: ROTATED_TEXT })
      .then(
        () => new Error("rotated"),
        (e: unknown) => e as Error,
      );
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
    expect(refused.message).toContain("service.update");
    expect((await docker.listSecrets()).map((s) => s.Spec?.Name).sort()).toEqual(secretsBefore);

    const rotation = await h
      .caller(admin)
      .secrets.rotate({ environmentId, name: `${PREFIX}_db`, data: ROTATED_TEXT, waitSeconds: 180 });
    expect(rotation).toMatchObject({
      created: { name: `${PREFIX}_db-v2` },
      services: [{ service: SERVICE, updated: true, target: "db_password" }],
      oldRemoved: true,
      note: null,
    });
    expect(rotation.cli).toEqual([
      `docker --context 'swarm manager' secret create ${PREFIX}_db-v2 ./data-file`,
      `docker --context 'swarm manager' service update --secret-rm ${PREFIX}_db --secret-add source=${PREFIX}_db-v2,target=db_password ${SERVICE}`,
      `docker --context 'swarm manager' secret rm ${PREFIX}_db`,
    ]);
    const names = (await docker.listSecrets()).map((s) => s.Spec?.Name);
    expect(names).toContain(`${PREFIX}_db-v2`);
    expect(names).not.toContain(`${PREFIX}_db`);
    const [service] = await docker.listServices({ filters: { name: [SERVICE] } });
    expect((service?.Spec?.TaskTemplate as { ContainerSpec?: { Secrets?: unknown } } | undefined)?.ContainerSpec?.Secrets).toEqual([
      {
        SecretID: rotation.created.id,
        SecretName: `${PREFIX}_db-v2`,
        File: { Name: "db_password", UID: "0", GID: "0", Mode: 0o400 },
      },
    ]);
    // The new version keeps the old one's labels.
    const listed = await h.caller(admin).secrets.list();
    expect(listed.items.find((s) => s.name === `${PREFIX}_db-v2`)).toMatchObject({
      labels: { team: "shop" },
      usedBy: [{ service: SERVICE }],
    });
    // Rotating again takes the next number.
    expect(await codeOf(h.caller(admin).secrets.rotate({ environmentId, name: `${PREFIX}_db`, data: "x" }))).toBe(
      "NOT_FOUND",
    );
    await h.services.audit.settled();
    const events = await h.prisma.auditEvent.findMany({ where: { action: "secrets.rotate" } });
    expect(asText(events)).not.toContain(ROTATED_TEXT);
    expect(events.find((e) => e.outcome === "ok")?.params).toMatchObject({
      newName: `${PREFIX}_db-v2`,
      oldRemoved: true,
    });
  }, 240_000);

  it("answers a call made right after the manager is added, instead of refusing it as not a manager", async () => {
    // The fleet adds an environment as "unknown" and asks its engine in the background: calls
    // sent at once wait for that first answer (the swarm module's one rule for it).
    const fresh = (await h.caller(admin).environments.create({ name: "fresh manager", url: `unix://${socket}` })).id;
    try {
      const [config, stack, made] = await Promise.all([
        codeOf(h.caller(admin).configs.get({ environmentId: fresh, name: `${PREFIX}_none` })),
        codeOf(h.caller(admin).stacks.get({ environmentId: fresh, name: `${PREFIX}_none` })),
        h.caller(admin).secrets.create({ environmentId: fresh, name: `${PREFIX}_fresh`, data: "x" }),
      ]);
      expect({ config, stack }).toEqual({ config: "NOT_FOUND", stack: "NOT_FOUND" });
      expect((await docker.listSecrets()).some((s) => s.ID === made.id)).toBe(true);
      const listed = await h.caller(admin).secrets.list({ environmentIds: [fresh] });
      expect(listed.items.map((s) => s.name)).toContain(`${PREFIX}_fresh`);
    } finally {
      await h.caller(admin).environments.remove({ environmentId: fresh });
    }
  });
});
