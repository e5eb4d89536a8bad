// depends_on through the API on the test bed's standalone engine, as `docker compose` v2 does it:
// a start waits for a dependency to be healthy (service_healthy) or to have exited 0
// (service_completed_successfully) before starting its dependants, and refuses, naming both
// services and starting nothing more, when it never will be; stop and down go dependants first.
// The machine has only compose v1 (which records no depends_on), so the projects are made as
// compose v2 makes them: containers created through the Engine API with its labels. The order
// is read from the engine's own event stream. A wait stops for a caller whose permission goes.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "../../core/context";
import { codeOf } from "../../testing/calls";
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
let environmentId: string;
const made: string[] = [];

interface ServiceSpec {
  name: string;
  /** a shell script, the container's only process */
  script: string;
  dependsOn?: string;
  healthcheck?: Docker.ContainerCreateOptions["Healthcheck"];
}

/** A project as compose v2 creates it (`up --no-start`): its network, its containers, labelled. */
async function makeProject(name: string, services: ServiceSpec[]): Promise<string> {
  const project = `${name}${suffix}`;
  made.push(project);
  const network = `${project}_default`;
  await docker.createNetwork({
    Name: network,
    Labels: { [PROJECT]: project, "com.docker.compose.network": "default" },
  });
  for (const s of services) {
    await docker.createContainer({
      name: `${project}-${s.name}-1`,
      Image: image,
      Cmd: ["sh", "-c", s.script],
      ...(s.healthcheck ? { Healthcheck: s.healthcheck } : {}),
      Labels: {
        [PROJECT]: project,
        "com.docker.compose.service": s.name,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.version": "2.29.7",
        "com.docker.compose.depends_on": s.dependsOn ?? "",
      },
      HostConfig: { NetworkMode: network },
    });
  }
  return project;
}

/** Every container event of the project from `since`, as `<service> <action>`, in the engine's order. */
async function eventsOf(project: string, since: number): Promise<string[]> {
  const stream = await docker.getEvents({
    since: Math.floor(since / 1000) - 1,
    until: Math.ceil(Date.now() / 1000) + 1,
    filters: { type: ["container"], label: [`${PROJECT}=${project}`] },
  });
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text
    .split("\n")
    .filter(Boolean)
    .map(
      (line) => JSON.parse(line) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } },
    )
    .filter((e) => e.timeNano >= since * 1e6)
    .map((e) => `${e.Actor.Attributes["com.docker.compose.service"]} ${e.Action}`);
}

async function stateOf(project: string, service: string): Promise<Docker.ContainerInspectInfo["State"]> {
  return (await docker.getContainer(`${project}-${service}-1`).inspect()).State;
}

const at = (events: string[], event: string) => {
  const index = events.indexOf(event);
  expect(index, `${event} in ${events.join(", ")}`).toBeGreaterThanOrEqual(0);
  return index;
};

/** A process that sleeps through SIGTERM (PID 1 without a handler): `stop -t N` takes N seconds. */
const STUBBORN = "sleep 600";
/** A process that leaves at once on SIGTERM. */
const PROMPT = "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done";
const fastHealth = (test: string[]) => ({ Test: test, Interval: 300e6, Timeout: 2e9, Retries: 50 });

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "depends-admin")).id);
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

describe("compose depends_on on a standalone engine", () => {
  it("starts a service only once its dependency is healthy, or has completed successfully", async () => {
    const project = await makeProject("waits", [
      // ready two seconds after it starts: a start that did not wait would start web before
      {
        name: "db",
        script: "sleep 2; touch /tmp/ready; exec sleep 600",
        healthcheck: fastHealth(["CMD", "test", "-f", "/tmp/ready"]),
      },
      { name: "web", script: STUBBORN, dependsOn: "db:service_healthy:false" },
      { name: "job", script: "sleep 1; exit 0" },
      { name: "api", script: STUBBORN, dependsOn: "job:service_completed_successfully:false" },
    ]);
    const since = Date.now();
    const answer = await h.caller(admin).composeProjects.start({ environmentId, project });
    expect(answer.cli).toBe(`docker --context standalone compose -p ${project} start`);
    const events = await eventsOf(project, since);
    expect(at(events, "web start")).toBeGreaterThan(at(events, "db health_status: healthy"));
    expect(at(events, "api start")).toBeGreaterThan(at(events, "job die"));
    expect((await stateOf(project, "db")).Health?.Status).toBe("healthy");
    expect((await stateOf(project, "web")).Status).toBe("running");
    expect((await stateOf(project, "job")).ExitCode).toBe(0);
    expect((await stateOf(project, "api")).Status).toBe("running");
  });

  it("refuses, naming both services and starting no dependant, when the condition is never met", async () => {
    const api = h.caller(admin);
    // Health still "starting" (its first check an hour away): the bound passes.
    const slow = await makeProject("slowdb", [
      { name: "db", script: STUBBORN, healthcheck: { Test: ["CMD", "true"], Interval: 3600e9 } },
      { name: "web", script: STUBBORN, dependsOn: "db:service_healthy:false" },
    ]);
    const late = api.composeProjects.start({ environmentId, project: slow, waitTimeoutSeconds: 1 });
    await expect(late).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: `web was not started: db was not healthy within 1 s (${slow}-db-1 is starting).`,
    });
    expect((await stateOf(slow, "db")).Status).toBe("running");
    expect((await stateOf(slow, "web")).Status).toBe("created");

    const bare = await makeProject("nohealth", [
      { name: "db", script: STUBBORN },
      { name: "web", script: STUBBORN, dependsOn: "db:service_healthy:false" },
    ]);
    const noHealthcheck = api.composeProjects.start({ environmentId, project: bare });
    await expect(noHealthcheck).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(noHealthcheck).rejects.toThrow(
      `web needs db healthy (depends_on condition service_healthy), but its container ${bare}-db-1 has no healthcheck configured.`,
    );
    expect((await stateOf(bare, "web")).Status).toBe("created");

    const failing = await makeProject("failjob", [
      { name: "migrate", script: "exit 3" },
      { name: "app", script: STUBBORN, dependsOn: "migrate:service_completed_successfully:false" },
    ]);
    await expect(api.composeProjects.start({ environmentId, project: failing })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: `app needs migrate completed successfully, but its container ${failing}-migrate-1 exited with code 3.`,
    });
    expect((await stateOf(failing, "app")).Status).toBe("created");

    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "composeProjects.start", targetName: failing },
      orderBy: { time: "desc" },
    });
    expect(event?.outcome).not.toBe("ok");
  });

  it("waits outside the engine's call slots, two starts at a time per environment, and ends a wait whose client left", async () => {
    // Review finding: each waiting start held one of the engine's 8 call slots for its whole
    // wait; eight of them starved every other call on the environment. The wait now happens
    // between engine calls (a look at the dependency every 500 ms), and a third waiting start
    // is still refused (429) so that a burst cannot poll the engine without end.
    const api = h.caller(admin);
    const leaving = new AbortController();
    const never = (name: string) =>
      makeProject(name, [
        { name: "db", script: STUBBORN, healthcheck: { Test: ["CMD", "true"], Interval: 3600e9 } },
        { name: "web", script: STUBBORN, dependsOn: "db:service_healthy:false" },
      ]);
    const [a, b, c] = [await never("holda"), await never("holdb"), await never("holdc")];
    const first = h
      .caller(admin, {}, leaving.signal)
      .composeProjects.start({ environmentId, project: a, waitTimeoutSeconds: 60 });
    const secondLeaving = new AbortController();
    const second = h
      .caller(admin, {}, secondLeaving.signal)
      .composeProjects.start({ environmentId, project: b, waitTimeoutSeconds: 60 });
    first.catch(() => undefined);
    let secondEnded = false;
    second.then(
      () => (secondEnded = true),
      () => (secondEnded = true),
    );
    // Both are waiting once their db runs (health "starting" for an hour).
    for (const project of [a, b]) {
      await expect.poll(async () => (await stateOf(project, "db")).Status, { timeout: 60_000 }).toBe("running");
    }
    // Waiting holds no call slot: between looks, nothing is in flight on the engine.
    await expect.poll(() => h.services.fleet.diagnostics(environmentId)?.inFlight, { timeout: 30_000 }).toBe(0);
    const third = await codeOf(api.composeProjects.start({ environmentId, project: c, waitTimeoutSeconds: 60 }));
    expect(third).toBe("TOO_MANY_REQUESTS");
    expect((await stateOf(c, "db")).Status).toBe("created");
    // The environment still answers everyone else meanwhile.
    const listed = await api.composeProjects.get({ environmentId, project: c });
    expect(listed.name).toBe(c);
    // The first one's client leaves: its wait ends (long before its 60 s bound), web never starts,
    // and its place is free while the second still waits: the next start waits (and is refused by
    // its own bound, not by 429).
    leaving.abort();
    await expect(first).rejects.toThrow();
    expect((await stateOf(a, "web")).Status).toBe("created");
    await expect(api.composeProjects.start({ environmentId, project: c, waitTimeoutSeconds: 1 })).rejects.toMatchObject(
      { code: "PRECONDITION_FAILED" },
    );
    // The second is still waiting (within its bound). Its client leaves too, rather than the
    // test sitting out that bound (a wait that ends at its bound is shown above); web never started.
    expect(secondEnded).toBe(false);
    secondLeaving.abort();
    await expect(second).rejects.toThrow();
    expect((await stateOf(b, "web")).Status).toBe("created");
  }, 180_000);

  it("stops and removes dependants before what they depend on", async () => {
    const api = h.caller(admin);
    // db leaves at once on SIGTERM, web takes the whole grace period: all at once, db would
    // die first; dependants first, web dies (and, for down, is removed) before db is stopped.
    const project = await makeProject("order", [
      { name: "db", script: PROMPT },
      { name: "web", script: STUBBORN, dependsOn: "db:service_started:false" },
    ]);
    const target = { environmentId, project };
    await api.composeProjects.start(target);
    let since = Date.now();
    await api.composeProjects.stop({ ...target, timeoutSeconds: 2 });
    let events = await eventsOf(project, since);
    expect(at(events, "db die")).toBeGreaterThan(at(events, "web die"));

    await api.composeProjects.start(target);
    since = Date.now();
    const down = await api.composeProjects.remove({ ...target, timeoutSeconds: 2 });
    expect(down).toMatchObject({ containers: 2, networksRemoved: [`${project}_default`] });
    events = await eventsOf(project, since);
    expect(at(events, "db die")).toBeGreaterThan(at(events, "web destroy"));
    expect(at(events, "db destroy")).toBeGreaterThan(at(events, "db die"));
  });

  // The permission is checked when the start begins; a wait can last up to 30 minutes, and what
  // comes after it must not act for a caller whose permission was taken away meanwhile.
  it("starts no dependant for a caller whose permission was revoked while it waited", async () => {
    const user = await h.makeUser([{ role: "Operator" }], "revoke-operator");
    const operator = await h.actorFor(user.id);
    const project = await makeProject("revoked", [
      // healthy only once the test says so
      {
        name: "db",
        script: "exec sleep 600",
        healthcheck: { ...fastHealth(["CMD", "test", "-f", "/tmp/ready"]), Retries: 1000 },
      },
      { name: "web", script: "exec sleep 600", dependsOn: "db:service_healthy:false" },
    ]);
    const start = h.caller(operator).composeProjects.start({ environmentId, project, waitTimeoutSeconds: 120 });
    start.catch(() => undefined);
    // The start is waiting: db runs, its health is "starting", web is still only created.
    await expect.poll(async () => (await stateOf(project, "db")).Status, { timeout: 60_000 }).toBe("running");
    expect((await stateOf(project, "web")).Status).toBe("created");

    // An admin takes the operator's role away; then the dependency becomes healthy.
    await h.prisma.roleBinding.deleteMany({ where: { userId: user.id } });
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

  it("answers a bound out of range with a 4xx", async () => {
    const api = h.caller(admin);
    for (const waitTimeoutSeconds of [0, -1, 1801, 1.5]) {
      expect(await codeOf(api.composeProjects.start({ environmentId, project: "x", waitTimeoutSeconds }))).toBe(
        "BAD_REQUEST",
      );
    }
  });
});
