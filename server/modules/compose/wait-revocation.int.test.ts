// A compose start that waits on depends_on (up to waitTimeoutSeconds, 30 minutes at most) checks
// the caller's permission once, when it begins. DESIGN: "Revoking a permission reaches open
// consoles and streams within seconds". Review finding: a wait outlives the caller's revoked
// permission and then starts the dependants as them.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "../../core/context";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { engine } from "../testing/engines";

const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_STANDALONE_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = engine(socket);
const suffix = `${process.pid}${Date.now() % 100_000}`;
const PROJECT = "com.docker.compose.project";

let h: Harness;
let admin: Actor;
let operator: Actor;
let operatorId: string;
let environmentId: string;
const made: string[] = [];

/** A project as compose v2 creates it (`up --no-start`): db, healthy once /tmp/ready exists; web needs it healthy. */
async function makeProject(name: string): Promise<string> {
  const project = `${name}${suffix}`;
  made.push(project);
  const network = `${project}_default`;
  await docker.createNetwork({
    Name: network,
    Labels: { [PROJECT]: project, "com.docker.compose.network": "default" },
  });
  const labels = (service: string, dependsOn: string) => ({
    [PROJECT]: project,
    "com.docker.compose.service": service,
    "com.docker.compose.container-number": "1",
    "com.docker.compose.oneoff": "False",
    "com.docker.compose.version": "2.29.7",
    "com.docker.compose.depends_on": dependsOn,
  });
  await docker.createContainer({
    name: `${project}-db-1`,
    Image: image,
    // ready only once the test says so
    Cmd: ["sh", "-c", "exec sleep 600"],
    Healthcheck: { Test: ["CMD", "test", "-f", "/tmp/ready"], Interval: 300e6, Timeout: 2e9, Retries: 1000 },
    Labels: labels("db", ""),
    HostConfig: { NetworkMode: network },
  });
  await docker.createContainer({
    name: `${project}-web-1`,
    Image: image,
    Cmd: ["sh", "-c", "exec sleep 600"],
    Labels: labels("web", "db:service_healthy:false"),
    HostConfig: { NetworkMode: network },
  });
  return project;
}

const stateOf = async (project: string, service: string) =>
  (await docker.getContainer(`${project}-${service}-1`).inspect()).State;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "revoke-admin")).id);
  const user = await h.makeUser([{ role: "Operator" }], "revoke-operator");
  operatorId = user.id;
  operator = await h.actorFor(user.id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socket}` })).id;
}, 120_000);

afterAll(async () => {
  for (const project of made) {
    const left = await docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${project}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    await docker
      .getNetwork(`${project}_default`)
      .remove()
      .catch(() => undefined);
  }
  await h?.close();
});

describe("a compose start waiting on depends_on", () => {
  it("starts no dependant for a caller whose permission was revoked while it waited", async () => {
    const project = await makeProject("revoked");
    const start = h.caller(operator).composeProjects.start({ environmentId, project, waitTimeoutSeconds: 120 });
    start.catch(() => undefined);
    // The start is waiting: db runs, its health is "starting", web is still only created.
    await expect.poll(async () => (await stateOf(project, "db")).Status, { timeout: 60_000 }).toBe("running");
    expect((await stateOf(project, "web")).Status).toBe("created");

    // An admin takes the operator's role away; then the dependency becomes healthy.
    await h.prisma.roleBinding.deleteMany({ where: { userId: operatorId } });
    const exec = await docker.getContainer(`${project}-db-1`).exec({ Cmd: ["touch", "/tmp/ready"] });
    await exec.start({ hijack: false, stdin: false });
    await expect.poll(async () => (await stateOf(project, "db")).Health?.Status, { timeout: 60_000 }).toBe("healthy");

    // The wait must not go on to act for someone who may no longer start containers here.
    await start.then(
      () => undefined,
      () => undefined,
    );
    expect((await stateOf(project, "web")).Status).toBe("created");
  }, 180_000);
});
