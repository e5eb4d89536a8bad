// A config's data needs config.data.read (configs.get). The stacks module keeps config files in
// its history and reconstructs them from the live swarm (adopt): neither door may hand that data
// to a role without config.data.read. Review finding: both do today.
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
});
