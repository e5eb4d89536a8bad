// A config's data needs config.data.read (configs.get). The stacks module keeps config files in
// its history and reconstructs them from the live swarm (adopt): neither door may hand that data
// to a role without config.data.read. Nor may the preview answer tell a right guess of the data
// from a wrong one, nor may a service (or a stack's) be given a config to print: giving a
// workload a config needs config.data.read (review findings).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "@/server/testing/harness";
import { need } from "@/server/testing/testbed-env";
import type { Actor } from "@/server/core/context";
import { waitUntil } from "../../testing/wait-until";

const run = promisify(execFile);
const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = new Docker({ socketPath: socket, version: "v1.41" });

const STACK = "h5cfgdata";
// Nothing in it looks like a credential (the redactor would hide that much), yet it is config data.
const CONFIG_TEXT = "listen 8080\nserver_name h5-config-data-7c1e.internal\n";

const composeFile = `
services:
  web:
    image: ${image}
    command: sleep 3600
    configs:
      - source: site
        target: /etc/site.conf
configs:
  site:
    file: ./site.conf
`;

let h: Harness;
let operator: Actor;
let readOnly: Actor;
/** stack.read and stack.deploy, and config.read (it lists configs), without config.data.read */
let deployer: Actor;
/** service.create, service.update and service.logs, without config.data.read */
let serviceMaker: Actor;
let environmentId: string;

async function removeStack() {
  await run("docker", ["-H", `unix://${socket}`, "stack", "rm", STACK]).catch(() => undefined);
  await waitUntil(async () =>
    (await docker.listConfigs({ filters: { label: [`com.docker.stack.namespace=${STACK}`] } })).length ||
    (await docker.listNetworks({ filters: { label: [`com.docker.stack.namespace=${STACK}`] } })).length
      ? undefined
      : true,
  );
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "cfgdata-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "cfgdata-operator")).id);
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "cfgdata-reader")).id);
  const role = await h.makeRole(["stack.read", "stack.deploy", "config.read", "service.read"], "cfgdata deployer");
  deployer = await h.actorFor((await h.makeUser([{ role: role.name }], "cfgdata-deployer")).id);
  const maker = await h.makeRole(
    ["service.read", "service.create", "service.update", "service.logs", "config.read"],
    "cfgdata service maker",
  );
  serviceMaker = await h.actorFor((await h.makeUser([{ role: maker.name }], "cfgdata-service-maker")).id);
  await removeStack();
  environmentId = (await h.caller(admin).environments.create({ name: "swarm manager", url: `unix://${socket}` })).id;
  await waitUntil(() =>
    Promise.resolve(h.services.fleet.status(environmentId)?.swarm?.role === "manager" ? true : undefined),
  );
  await h.caller(operator).stacks.deploy({
    environmentId,
    name: STACK,
    composeFile,
    files: [{ path: "site.conf", data: CONFIG_TEXT }],
  });
}, 180_000);

afterAll(async () => {
  await removeStack().catch(() => undefined);
  await h?.close();
}, 180_000);

describe("a config's data through the stacks module", () => {
  it("is refused to Read-only by configs.get (the door config.data.read guards)", async () => {
    const config = `${STACK}_site`;
    await expect(h.caller(readOnly).configs.get({ environmentId, name: config })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("is not in stacks.version's answer for Read-only (no config.data.read)", async () => {
    const v1 = await h.caller(readOnly).stacks.version({ environmentId, name: STACK, version: 1 });
    expect(JSON.stringify(v1)).not.toContain("h5-config-data-7c1e");
  });

  it("is not read back from the swarm by adopt for a role without config.data.read", async () => {
    // adopt reconstructs the stack from the live specs, config files included, as the next version
    const adopted = await h.caller(deployer).stacks.adopt({ environmentId, name: STACK, environment: {}, files: [] });
    const version = await h.caller(deployer).stacks.version({ environmentId, name: STACK, version: adopted.version });
    expect(JSON.stringify(version)).not.toContain("h5-config-data-7c1e");
  });

  it("is not an oracle in stacks.preview for a role without config.data.read: a right and a wrong guess read the same", async () => {
    const previewOf = async (actor: Actor, guess: string) => {
      const answer = await h.caller(actor).stacks.preview({
        environmentId,
        name: STACK,
        composeFile,
        files: [{ path: "site.conf", data: guess }],
      });
      if (!answer.ok) throw new Error(`the file has issues: ${JSON.stringify(answer.issues)}`);
      return answer.diff.objects.filter((o) => o.kind === "config");
    };
    const right = await previewOf(deployer, CONFIG_TEXT);
    const wrong = await previewOf(deployer, "listen 9090\n");
    expect(right).toEqual([{ kind: "config", name: `${STACK}_site`, change: "unchecked" }]);
    expect(wrong).toEqual(right);
    // with config.data.read the data is compared
    expect(await previewOf(operator, CONFIG_TEXT)).toEqual([
      { kind: "config", name: `${STACK}_site`, change: "unchanged" },
    ]);
    expect(await previewOf(operator, "listen 9090\n")).toEqual([
      { kind: "config", name: `${STACK}_site`, change: "update" },
    ]);
  });

  it("is not an oracle in stacks.deploy either: a right and a wrong guess are refused alike, and nothing changes", async () => {
    const versionsBefore = (await h.caller(deployer).stacks.get({ environmentId, name: STACK })).versions.length;
    const refusal = async (guess: string) => {
      const error = await h
        .caller(deployer)
        .stacks.deploy({ environmentId, name: STACK, composeFile, files: [{ path: "site.conf", data: guess }] })
        .then(
          () => null,
          (e: unknown) => e as { code?: string; message?: string },
        );
      return { code: error?.code, message: error?.message };
    };
    const right = await refusal(CONFIG_TEXT);
    const wrong = await refusal("listen 9090\n");
    expect(right.code).toBe("FORBIDDEN");
    expect(right.message).toContain("config.data.read");
    expect(wrong).toEqual(right);
    // a config no service mounts (so the judge has nothing to refuse) is not compared either
    const unmounted = `
services:
  web:
    image: ${image}
    command: sleep 3600
configs:
  site:
    file: ./site.conf
`;
    const attempts: ({ code?: string; message: string } | null)[] = [];
    // one after the other: two deploys of one stack at once are refused as a conflict of their own
    for (const guess of [CONFIG_TEXT, "listen 9090\n"]) {
      attempts.push(
        await h
          .caller(deployer)
          .stacks.deploy({
            environmentId,
            name: STACK,
            composeFile: unmounted,
            files: [{ path: "site.conf", data: guess }],
          })
          .then(
            () => null,
            (e: unknown) => ({ code: (e as { code?: string }).code, message: (e as Error).message }),
          ),
      );
    }
    expect(attempts[0]?.code).toBe("CONFLICT");
    expect(attempts[0]?.message).toContain("config.data.read");
    expect(attempts[1]).toEqual(attempts[0]);
    expect((await h.caller(deployer).stacks.get({ environmentId, name: STACK })).versions.length).toBe(versionsBefore);
  });

  it("cannot be mounted into a service by a role without config.data.read (services.create, services.update)", async () => {
    const name = "h5cfgdata-printer";
    const spec = {
      name,
      image,
      command: ["cat", "/etc/site.conf"],
      mode: { kind: "replicated" as const, replicas: 1 },
      configs: [{ name: `${STACK}_site`, target: "/etc/site.conf" }],
    };
    await expect(h.caller(serviceMaker).services.create({ environmentId, spec })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("config.data.read") as unknown,
    });
    expect(await docker.listServices({ filters: { name: [name] } })).toEqual([]);
    // nor added to a service it may update
    const plain = await h.caller(operator).services.create({
      environmentId,
      spec: { name: `${name}-plain`, image, command: ["sleep", "3600"], mode: { kind: "replicated", replicas: 0 } },
    });
    try {
      await expect(
        h.caller(serviceMaker).services.update({
          environmentId,
          id: plain.id,
          spec: { ...spec, name: `${name}-plain`, mode: { kind: "replicated", replicas: 0 } },
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      const inspected = (await docker.getService(plain.id).inspect()) as {
        Spec: { TaskTemplate: { ContainerSpec: { Configs?: unknown[] } } };
      };
      expect(inspected.Spec.TaskTemplate.ContainerSpec.Configs ?? []).toEqual([]);
    } finally {
      await docker.getService(plain.id).remove();
    }
  });
});
