// stacks.* through the API on the test bed's real swarm, as each role: deploy a two-service
// stack with a secret and a config, watch it converge, preview and deploy an edit, keep the
// history and redeploy an earlier version, list a stack the CLI deployed, remove. Refusals (a
// role without the permission, the workload policy, a bad file) change nothing on the engine
// or in the database; secret data reaches neither the history nor the audit trail.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "@/server/testing/calls";
import { openHarness, type Harness } from "@/server/testing/harness";
import { need } from "@/server/testing/testbed-env";
import type { Actor } from "@/server/core/context";
import { waitUntil } from "../../testing/wait-until";

const run = promisify(execFile);
const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = new Docker({ socketPath: socket, version: "v1.41" });

const STACK = "h11api";
const CLI_STACK = "h11cli";
const SECRET_TEXT = "s3cret-h11-never-stored";

// A bare sleep as PID 1 ignores SIGTERM: every task an update or a removal stops would take
// swarm's whole 10 s grace period. The stop grace period is part of the spec like any other key.
const fileWith = (replicas: number, command = "sleep 3600") => `
services:
  web:
    image: ${image}
    command: ${command}
    stop_grace_period: 1s
    deploy:
      replicas: ${replicas}
    secrets:
      - db_password
    configs:
      - source: site
        target: /etc/site.conf
  worker:
    image: ${image}
    command: sleep 3600
    stop_grace_period: 1s
secrets:
  db_password:
    file: ./db_password.txt
configs:
  site:
    file: ./site.conf
`;
const files = [
  { path: "db_password.txt", data: SECRET_TEXT },
  { path: "site.conf", data: "listen 80\n" },
];

let h: Harness;
let admin: Actor;
let operator: Actor;
let readOnly: Actor;
let environmentId: string;

async function stackServices(stack: string) {
  return docker.listServices({ filters: { label: [`com.docker.stack.namespace=${stack}`] } });
}

async function removeEverything(stack: string) {
  await run("docker", ["-H", `unix://${socket}`, "stack", "rm", stack]).catch(() => undefined);
  await waitUntil(async () =>
    (await docker.listNetworks({ filters: { label: [`com.docker.stack.namespace=${stack}`] } })).length
      ? undefined
      : true,
  );
}

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "stacks-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "stacks-operator")).id);
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "stacks-reader")).id);
  await Promise.all([removeEverything(STACK), removeEverything(CLI_STACK)]);
  // The connection test gives the engine 5 s to answer; a swarm manager busy with a loaded
  // machine's other work may not: ask again (only then) until it does.
  const created = await waitUntil(
    () =>
      h
        .caller(admin)
        .environments.create({ name: "swarm manager", url: `unix://${socket}` })
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === "BAD_GATEWAY") return undefined;
          throw error;
        }),
    { ms: 120_000, what: "the swarm manager to answer the connection test" },
  );
  environmentId = created.id;
  await waitUntil(() =>
    Promise.resolve(h.services.fleet.status(environmentId)?.swarm?.role === "manager" ? true : undefined),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all([removeEverything(STACK), removeEverything(CLI_STACK)]).catch(() => undefined);
  await h?.close();
}, 180_000);

describe("stacks through the API", () => {
  it("refuses a bad file with its line, and a role without stack.deploy, changing nothing", async () => {
    const before = await h.snapshot();
    const preview = await h.caller(operator).stacks.preview({
      environmentId,
      name: STACK,
      composeFile: "services:\n  web:\n    image: x\n    deploy:\n      replicas: many\n",
    });
    expect(preview.ok).toBe(false);
    if (!preview.ok) expect(preview.issues[0]).toMatchObject({ position: { line: 5 } });
    expect(
      await codeOf(
        h.caller(operator).stacks.deploy({ environmentId, name: STACK, composeFile: "services: [oops", files }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(h.caller(readOnly).stacks.deploy({ environmentId, name: STACK, composeFile: fileWith(1), files })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(operator).stacks.remove({ environmentId, name: STACK }))).toBe("FORBIDDEN");
    expect(
      await codeOf(h.caller(operator).stacks.deploy({ environmentId, name: "../etc", composeFile: fileWith(1) })),
    ).toBe("BAD_REQUEST");
    expect(await stackServices(STACK)).toHaveLength(0);
    expect(await h.snapshot()).toEqual(before);
  });

  it("refuses a stack whose service needs host access, naming service and field; nothing is created", async () => {
    const before = await h.snapshot();
    const sneaky = `${fileWith(1)}\n`.replace("  worker:\n", "  worker:\n    volumes:\n      - /etc:/host-etc:ro\n");
    const error = await h
      .caller(operator)
      .stacks.deploy({ environmentId, name: STACK, composeFile: sneaky, files })
      .then(
        () => new Error("deployed"),
        (e: unknown) => e as Error,
      );
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect(error.message).toMatch(/service worker: TaskTemplate\.ContainerSpec\.Mounts\[0\]/);
    expect(error.message).toContain("container.create.privileged");
    expect(await stackServices(STACK)).toHaveLength(0);
    expect((await docker.listSecrets()).some((s) => s.Spec?.Name === `${STACK}_db_password`)).toBe(false);
    expect(await h.snapshot()).toEqual(before);
  });

  it("judges a named volume as the engine has it: one made with o=bind is a host mount, refused", async () => {
    // An external volume that is really /etc of the host: the file names only the volume, so
    // only the engine's own answer shows it for what it is (the services door asked; a stack
    // deploy judged it as a plain volume and mounted it).
    const volume = "h11-bind-etc";
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
    await docker.createVolume({
      Name: volume,
      Driver: "local",
      DriverOpts: { type: "none", o: "bind", device: "/etc" },
    });
    try {
      const before = await h.snapshot();
      const file = `
services:
  reader:
    image: ${image}
    command: sleep 3600
    volumes:
      - hostetc:/mnt
volumes:
  hostetc:
    external: true
    name: ${volume}
`;
      const error = await h
        .caller(operator)
        .stacks.deploy({ environmentId, name: STACK, composeFile: file })
        .then(
          () => new Error("deployed"),
          (e: unknown) => e as Error,
        );
      expect(error).toMatchObject({ code: "FORBIDDEN" });
      expect(error.message).toContain("container.create.privileged");
      expect(await stackServices(STACK)).toHaveLength(0);
      expect(await h.snapshot()).toEqual(before);
    } finally {
      await removeEverything(STACK);
      await docker
        .getVolume(volume)
        .remove()
        .catch(() => undefined);
    }
  });

  it("deploys, converges, keeps the version; previews and deploys an edit; redeploys v1; removes", async () => {
    const api = h.caller(operator);
    const first = await api.stacks.deploy({ environmentId, name: STACK, composeFile: fileWith(1), files });
    expect(first.version).toBe(1);
    expect((await stackServices(STACK)).map((s) => s.Spec?.Name).sort()).toEqual([`${STACK}_web`, `${STACK}_worker`]);

    const converged = await waitUntil(async () => {
      const page = await api.stacks.get({ environmentId, name: STACK });
      return page.live?.state === "converged" && page.versions[0]?.outcome === "converged" ? page : undefined;
    });
    expect(converged.live?.secrets.map((s) => s.name)).toEqual([`${STACK}_db_password`]);
    expect(converged.live?.configs.map((c) => c.name)).toEqual([`${STACK}_site`]);
    expect(converged.live?.networks.map((n) => n.name)).toEqual([`${STACK}_default`]);
    expect(converged.versions[0]).toMatchObject({ version: 1, source: "deploy", deployedBy: "stacks-operator" });

    // The read-only role sees it, in the list and on its page.
    const listed = await h.caller(readOnly).stacks.list();
    expect(listed.items.find((s) => s.name === STACK)).toMatchObject({ environmentId, latest: { version: 1 } });
    const v1 = await h.caller(readOnly).stacks.version({ environmentId, name: STACK, version: 1 });
    expect(v1.composeFile).toBe(fileWith(1));
    // A config file's text is the config's data: withheld without config.data.read, as configs.get does.
    expect(v1.files).toEqual(
      expect.arrayContaining([
        { path: "site.conf", kind: "config", withheld: "config.data.read" },
        { path: "db_password.txt", kind: "secret" },
      ]),
    );
    expect(JSON.stringify(v1)).not.toContain("listen 80");
    const v1AsOperator = await h.caller(operator).stacks.version({ environmentId, name: STACK, version: 1 });
    expect(v1AsOperator.files).toEqual(
      expect.arrayContaining([{ path: "site.conf", kind: "config", text: "listen 80\n" }]),
    );

    // Secret data is in neither the history nor the audit trail.
    const rows = await h.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "StackVersion" WHERE "files"::text LIKE $1 OR "composeFile" LIKE $1`,
      `%${SECRET_TEXT}%`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    const audit = await h.prisma.auditEvent.findMany({ where: { action: "stacks.deploy", outcome: "ok" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.params)).not.toContain(SECRET_TEXT);
    expect(audit[0]).toMatchObject({
      targetKind: "stack",
      targetName: STACK,
      targetId: `${first.clusterId}/${STACK}@1`,
    });

    // An edit: the preview names the changed fields; the deploy becomes version 2.
    const edited = fileWith(2, "sleep 3601");
    // The edit gives only the file: the config file and the secret come from the deployed version.
    const preview = await api.stacks.preview({ environmentId, name: STACK, composeFile: edited });
    expect(preview.ok).toBe(true);
    if (preview.ok) {
      const web = preview.diff.services.find((s) => s.service === "web");
      expect(web?.change).toBe("update");
      expect(web?.fields).toEqual([
        { path: "Mode.Replicated.Replicas", before: 1, after: 2 },
        { path: "TaskTemplate.ContainerSpec.Args", before: ["sleep", "3600"], after: ["sleep", "3601"] },
      ]);
      expect(preview.diff.services.find((s) => s.service === "worker")).toMatchObject({
        change: "unchanged",
        fields: [],
      });
    }
    const secretBefore = (await docker.listSecrets()).find((x) => x.Spec?.Name === `${STACK}_db_password`);
    const second = await api.stacks.deploy({ environmentId, name: STACK, composeFile: edited });
    expect(second.version).toBe(2);
    const secretAfter = (await docker.listSecrets()).find((x) => x.Spec?.Name === `${STACK}_db_password`);
    expect(secretAfter?.ID).toBe(secretBefore?.ID);
    const v2 = await api.stacks.version({ environmentId, name: STACK, version: 2 });
    expect(v2.files).toEqual(
      expect.arrayContaining([
        { path: "site.conf", kind: "config", text: "listen 80\n" },
        { path: "db_password.txt", kind: "secret" },
      ]),
    );
    await waitUntil(async () => {
      const page = await api.stacks.get({ environmentId, name: STACK });
      const web = page.live?.services.find((s) => s.service === "web");
      return page.live?.state === "converged" && web?.replicas === 2 && web.health.running === 2 ? true : undefined;
    });

    // Redeploy version 1: its file, its config file, the secret as it exists.
    const third = await api.stacks.redeploy({ environmentId, name: STACK, version: 1 });
    expect(third.version).toBe(3);
    const page = await waitUntil(async () => {
      const p = await api.stacks.get({ environmentId, name: STACK });
      return p.live?.services.find((s) => s.service === "web")?.replicas === 1 && p.live.state === "converged"
        ? p
        : undefined;
    });
    expect(page.versions.map((v) => [v.version, v.source, v.fromVersion])).toEqual([
      [3, "redeploy", 1],
      [2, "deploy", null],
      [1, "deploy", null],
    ]);
    const v3 = await api.stacks.version({ environmentId, name: STACK, version: 3 });
    expect(v3.composeFile).toBe(fileWith(1));

    // Removing needs stack.delete (the Operator lacks it); the admin removes everything it made.
    await h.caller(admin).stacks.remove({ environmentId, name: STACK });
    expect(await stackServices(STACK)).toHaveLength(0);
    expect((await docker.listSecrets()).some((s) => s.Spec?.Name === `${STACK}_db_password`)).toBe(false);
    expect((await docker.listConfigs()).some((c) => c.Spec?.Name === `${STACK}_site`)).toBe(false);
    // the swarm lets a removed overlay network go a moment after it said yes
    const after = await waitUntil(async () => {
      const p = await api.stacks.get({ environmentId, name: STACK });
      return p.live === null ? p : undefined;
    });
    expect(after.versions).toHaveLength(3);
    expect(await codeOf(h.caller(admin).stacks.remove({ environmentId, name: STACK }))).toBe("NOT_FOUND");
  }, 300_000);

  it("lists a stack the CLI deployed, with its services and state", async () => {
    const file = `services:\n  one:\n    image: ${image}\n    command: sleep 3600\n    stop_grace_period: 1s\n`;
    await run(
      "sh",
      ["-c", `printf '%s' "$FILE" | docker -H unix://${socket} stack deploy --resolve-image never -c - ${CLI_STACK}`],
      {
        env: { ...process.env, FILE: file },
      },
    );
    const listed = await waitUntil(async () => {
      const { items } = await h.caller(readOnly).stacks.list();
      const found = items.find((s) => s.name === CLI_STACK);
      return found?.state === "converged" ? found : undefined;
    });
    expect(listed).toMatchObject({ latest: null, running: 1, desired: 1 });
    expect(listed.services.map((s) => s.name)).toEqual([`${CLI_STACK}_one`]);
    expect(await codeOf(h.caller(readOnly).stacks.get({ environmentId, name: "h11-nothing-here" }))).toBe("NOT_FOUND");
  }, 180_000);

  it("adopts the CLI's stack: its file rebuilt from the live specs, changing nothing; then edited like any other", async () => {
    // Refused: a reader, a stack that does not run, a supplied file that cannot be read.
    const before = await h.snapshot();
    expect(await codeOf(h.caller(readOnly).stacks.adopt({ environmentId, name: CLI_STACK }))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(operator).stacks.adopt({ environmentId, name: "h11-nothing-here" }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(
        h.caller(operator).stacks.adopt({ environmentId, name: CLI_STACK, composeFile: "services:\n  one: [\n" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await h.snapshot()).toEqual(before);

    const [service] = await stackServices(CLI_STACK);
    const tasksBefore = (await docker.listTasks({ filters: { service: [service!.ID] } }))
      .map((t: { ID: string }) => t.ID)
      .sort();
    const adopted = await h.caller(operator).stacks.adopt({ environmentId, name: CLI_STACK });
    expect(adopted).toMatchObject({ version: 1, diff: null });
    const [same] = await stackServices(CLI_STACK);
    expect(same?.Version?.Index).toBe(service?.Version?.Index);

    const page = await h.caller(readOnly).stacks.get({ environmentId, name: CLI_STACK });
    expect(page.versions.map((v) => [v.version, v.source, v.outcome, v.deployedBy])).toEqual([
      [1, "adopt", "adopted", "stacks-operator"],
    ]);
    const v1 = await h.caller(readOnly).stacks.version({ environmentId, name: CLI_STACK, version: 1 });
    expect(v1.composeFile).toContain("one:");
    // Deploying the adopted file unchanged: nothing to change, no task restarted.
    const preview = await h
      .caller(operator)
      .stacks.preview({ environmentId, name: CLI_STACK, composeFile: v1.composeFile });
    expect(preview.ok && preview.diff.services.every((s) => s.change === "unchanged")).toBe(true);
    await h.caller(operator).stacks.deploy({ environmentId, name: CLI_STACK, composeFile: v1.composeFile });
    const [after] = await stackServices(CLI_STACK);
    expect(after?.Spec).toEqual(service?.Spec);
    expect(
      (await docker.listTasks({ filters: { service: [service!.ID] } })).map((t: { ID: string }) => t.ID).sort(),
    ).toEqual(tasksBefore);

    // A supplied file that differs from the live stack is kept, and the difference said.
    const supplied = `services:\n  one:\n    image: ${image}\n    command: sleep 3601\n    stop_grace_period: 1s\n`;
    const third = await h.caller(operator).stacks.adopt({ environmentId, name: CLI_STACK, composeFile: supplied });
    expect(third.version).toBe(3);
    expect(third.diff?.services.find((s) => s.service === "one")?.change).toBe("update");
    await h.services.audit.settled();
    const events = await h.prisma.auditEvent.findMany({ where: { action: "stacks.adopt", outcome: "ok" } });
    expect(events.map((e) => e.targetId).sort()).toEqual([
      `${adopted.clusterId}/${CLI_STACK}@1`,
      `${adopted.clusterId}/${CLI_STACK}@3`,
    ]);
  }, 180_000);
});
