// Compose projects through the API on the test bed's standalone engine, brought up by the real
// `docker-compose` CLI: listed and read by their labels, started, stopped, restarted and removed
// as a whole, each with its compose line and audit event. Refusals (another environment's role,
// a read-only role, host access the caller lacks, networks it may not delete) change nothing.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MASKED } from "../../audit/mask";
import type { Actor } from "../../core/context";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { engine } from "../testing/engines";

const run = promisify(execFile);
const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_STANDALONE_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = engine(socket);
const suffix = `${process.pid}${Date.now() % 100_000}`;
const SHOP = `shop${suffix}`;
const ROOTED = `rooted${suffix}`;
/** A project name of a GitHub token's form: the credential mask hits it in listed labels. */
const TOKEN_LIKE = `ghp_${`${suffix}a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6`.slice(0, 36)}`;

let h: Harness;
let admin: Actor;
let environmentId: string;
let otherEnvironmentId: string;
let folder: string;

async function composeUp(project: string, yaml: string, inFolder = folder) {
  const file = path.join(inFolder, `${project}.yml`);
  await writeFile(file, yaml);
  await run("docker-compose", ["-p", project, "-f", file, "up", "-d"], {
    env: { ...process.env, DOCKER_HOST: `unix://${socket}`, COMPOSE_INTERACTIVE_NO_CLI: "1" },
    timeout: 120_000,
  });
}

async function states(project: string): Promise<Record<string, string>> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${project}`] },
  });
  return Object.fromEntries(list.map((c) => [c.Labels["com.docker.compose.service"]!, c.State]));
}

async function networksOf(project: string): Promise<string[]> {
  const list = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
  return list.map((n) => n.Name);
}

const service = (extra = "") => `
    image: ${image}
    command: ["sleep", "600"]
    stop_grace_period: 1s${extra}`;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "stevedore-compose-"));
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "compose-admin")).id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socket}` })).id;
  otherEnvironmentId = (await h.makeEnvironment("elsewhere")).id;
  await composeUp(SHOP, `version: "3.8"\nservices:\n  web:${service("\n    depends_on: [db]")}\n  db:${service()}\n`);
  await composeUp(ROOTED, `version: "3.8"\nservices:\n  tool:${service('\n    volumes: ["/etc:/host-etc:ro"]')}\n`);
}, 240_000);

afterAll(async () => {
  for (const project of [SHOP, ROOTED, TOKEN_LIKE]) {
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    for (const name of await networksOf(project))
      await docker
        .getNetwork(name)
        .remove()
        .catch(() => undefined);
  }
  await rm(folder, { recursive: true, force: true });
  await h?.close();
});

async function userWith(role: string, on: string | null) {
  return h.actorFor((await h.makeUser([{ role, environmentId: on }])).id);
}

describe("compose projects on a standalone engine", () => {
  it("lists the projects by their label and reads one with its containers and networks", async () => {
    const { items, errors } = await h.caller(admin).composeProjects.list();
    expect(errors).toEqual([]);
    const shop = items.find((p) => p.name === SHOP);
    expect(shop).toMatchObject({
      environmentId,
      services: ["db", "web"],
      running: 2,
      total: 2,
      state: "running",
      workingDir: folder,
    });
    const detail = await h.caller(admin).composeProjects.get({ environmentId, project: SHOP });
    expect(detail.containers.map((c) => [c.service, c.state])).toEqual([
      ["db", "running"],
      ["web", "running"],
    ]);
    expect(detail.networks).toEqual([`${SHOP}_default`]);
    expect(JSON.stringify(detail)).not.toContain("com.docker.compose");
  });

  it("groups a project whose name the credential mask hits by its name, keeping masked what was masked", async () => {
    // Brought up from a folder named like it: its working_dir label is masked in the list.
    const named = path.join(folder, TOKEN_LIKE);
    await mkdir(named);
    await composeUp(TOKEN_LIKE, `version: "3.8"\nservices:\n  app:${service()}\n`, named);
    const listed = await h.caller(admin).containers.list();
    const app = listed.items.find((c) => c.compose?.project === TOKEN_LIKE);
    expect(app?.labels["com.docker.compose.project"]).toBe(MASKED);

    const { items } = await h.caller(admin).composeProjects.list();
    expect(items.filter((p) => p.name === MASKED)).toEqual([]);
    const project = items.find((p) => p.name === TOKEN_LIKE);
    expect(project).toMatchObject({ environmentId, services: ["app"], running: 1, total: 1, workingDir: MASKED });
    const detail = await h.caller(admin).composeProjects.get({ environmentId, project: TOKEN_LIKE });
    expect(detail).toMatchObject({ name: TOKEN_LIKE, services: ["app"], workingDir: MASKED });
    expect(detail.configFiles.join()).not.toContain(named);
    await h.caller(admin).composeProjects.stop({ environmentId, project: TOKEN_LIKE, timeoutSeconds: 1 });
    expect(await states(TOKEN_LIKE)).toEqual({ app: "exited" });
  });

  it("stops, starts and restarts the whole project, with the compose line and an audit event", async () => {
    const api = h.caller(admin);
    const target = { environmentId, project: SHOP };
    expect((await api.composeProjects.stop({ ...target, timeoutSeconds: 1 })).cli).toBe(
      `docker --context standalone compose -p ${SHOP} stop -t 1`,
    );
    expect(await states(SHOP)).toEqual({ web: "exited", db: "exited" });
    expect((await api.composeProjects.start(target)).cli).toBe(`docker --context standalone compose -p ${SHOP} start`);
    expect(await states(SHOP)).toEqual({ web: "running", db: "running" });
    const before = await docker.getContainer(`${SHOP}_db_1`).inspect();
    await api.composeProjects.restart({ ...target, timeoutSeconds: 1 });
    const after = await docker.getContainer(`${SHOP}_db_1`).inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);

    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "composeProjects.restart" },
      orderBy: { time: "desc" },
    });
    expect(event).toMatchObject({
      outcome: "ok",
      targetKind: "compose-project",
      targetName: SHOP,
      environmentId,
      permission: "container.lifecycle",
    });
  });

  it("refuses a role on another environment and a read-only role, changing nothing", async () => {
    const elsewhere = h.caller(await userWith("Operator", otherEnvironmentId));
    const reader = h.caller(await userWith("Read-only", environmentId));
    const target = { environmentId, project: SHOP };
    expect(await codeOf(elsewhere.composeProjects.list())).toBe("OK");
    expect((await elsewhere.composeProjects.list()).items.filter((p) => p.environmentId === environmentId)).toEqual([]);
    expect(await codeOf(elsewhere.composeProjects.get(target))).toBe("FORBIDDEN");
    for (const verb of ["stop", "restart", "remove"] as const) {
      expect(await codeOf(elsewhere.composeProjects[verb](target))).toBe("FORBIDDEN");
      expect(await codeOf(reader.composeProjects[verb](target))).toBe("FORBIDDEN");
    }
    expect(await states(SHOP)).toEqual({ web: "running", db: "running" });
    expect(await networksOf(SHOP)).toEqual([`${SHOP}_default`]);
    const denied = await h.prisma.auditEvent.count({ where: { action: "composeProjects.stop", outcome: "denied" } });
    expect(denied).toBeGreaterThanOrEqual(2);
  });

  it("starting or restarting a project with a container that binds a host folder needs host access", async () => {
    const operator = h.caller(await userWith("Operator", environmentId));
    const target = { environmentId, project: ROOTED };
    // Stopping takes power away: allowed. Running it again gives the host: refused, still stopped.
    await operator.composeProjects.stop({ ...target, timeoutSeconds: 1 });
    expect(await states(ROOTED)).toEqual({ tool: "exited" });
    expect(await codeOf(operator.composeProjects.start(target))).toBe("FORBIDDEN");
    expect(await codeOf(operator.composeProjects.restart(target))).toBe("FORBIDDEN");
    expect(await states(ROOTED)).toEqual({ tool: "exited" });
    await h.caller(admin).composeProjects.start(target);
    expect(await states(ROOTED)).toEqual({ tool: "running" });
  });

  it("remove: networks need network.delete; without them only the containers go; an admin's is down", async () => {
    const operator = h.caller(await userWith("Operator", environmentId));
    const rooted = { environmentId, project: ROOTED };
    expect(await codeOf(operator.composeProjects.remove(rooted))).toBe("FORBIDDEN");
    expect(await states(ROOTED)).toEqual({ tool: "running" });
    const kept = await operator.composeProjects.remove({ ...rooted, networks: false, timeoutSeconds: 1 });
    expect(kept.cli).toBe(`docker --context standalone compose -p ${ROOTED} rm --stop --force`);
    expect(await states(ROOTED)).toEqual({});
    expect(await networksOf(ROOTED)).toEqual([`${ROOTED}_default`]);

    const down = await h.caller(admin).composeProjects.remove({ environmentId, project: SHOP, timeoutSeconds: 1 });
    expect(down).toMatchObject({
      cli: `docker --context standalone compose -p ${SHOP} down -t 1`,
      containers: 2,
      networksRemoved: [`${SHOP}_default`],
    });
    expect(await states(SHOP)).toEqual({});
    expect(await networksOf(SHOP)).toEqual([]);
    expect(await codeOf(h.caller(admin).composeProjects.get({ environmentId, project: SHOP }))).toBe("NOT_FOUND");
  });

  it("answers hostile and unknown names with a 4xx", async () => {
    const api = h.caller(admin);
    for (const project of ["../etc", "A", "x".repeat(100), "a b", "", "a=b"]) {
      expect(await codeOf(api.composeProjects.stop({ environmentId, project }))).toBe("BAD_REQUEST");
    }
    expect(await codeOf(api.composeProjects.stop({ environmentId, project: "nothing-here" }))).toBe("NOT_FOUND");
    expect(await codeOf(api.composeProjects.get({ environmentId: "no-such-environment", project: "x" }))).not.toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });
});
