// events.live on a real engine: what happens shows by name, the command of an exec never, each
// kind only to those who may read it there, another environment's admin is refused, and a
// page that reconnects gets only what followed its last event.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "../../core/context";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { engine, removeLabelled, TEST_LABEL, until } from "../testing/engines";
import type { FeedEvent } from "./contract";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = engine(need(testbed, "TESTBED_STANDALONE_SOCKET"));
const LABEL = "events";
const run = Date.now().toString(36);

let h: Harness;
let readOnly: Actor;
let imagesOnly: Actor;
let otherAdmin: Actor;
let envId = "";

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "events-admin")).id);
  envId = (
    await h
      .caller(admin)
      .environments.create({ name: "standalone", url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}` })
  ).id;
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "events-reader")).id);
  const role = await h.makeRole(["environment.read", "image.read"], "events-images-only");
  imagesOnly = await h.actorFor((await h.makeUser([{ role: role.name }], "events-images")).id);
  const elsewhere = await h.makeEnvironment("events-elsewhere");
  otherAdmin = await h.actorFor(
    (await h.makeUser([{ role: "Environment admin", environmentId: elsewhere.id }], "events-other")).id,
  );
  await until(() => h.services.fleet.picture.isWarm(envId), "a warm picture");
});

afterAll(async () => {
  await removeLabelled(docker, LABEL);
  await docker
    .getImage(`events-test/tagged:${run}`)
    .remove()
    .catch(() => undefined);
  h?.services.fleet.close();
  await h?.close();
});

type Envelope = [string, FeedEvent, ...unknown[]];

/** Reads the feed until `done` holds for an event; returns the events read. */
async function readUntil(feed: AsyncIterable<unknown>, done: (e: FeedEvent) => boolean): Promise<FeedEvent[]> {
  const seen: FeedEvent[] = [];
  for await (const envelope of feed) {
    const [id, event] = envelope as Envelope;
    expect(id).toMatch(new RegExp(`^[0-9a-f]{8}\\.${event.seq}$`));
    seen.push(event);
    if (done(event)) break;
  }
  return seen;
}

describe("events.live", () => {
  it("shows a container's life by name, an exec without its command", async () => {
    const name = `events-c-${run}`;
    const feed = await h.caller(readOnly).events.live({ environmentId: envId });
    const heard = readUntil(feed, (e) => e.type === "container" && e.action === "destroy" && e.name === name);
    const container = await docker.createContainer({
      Image: fixture,
      name,
      Cmd: ["sleep", "300"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();
    const exec = await container.exec({ Cmd: ["echo", `secret-${run}`], AttachStdout: true });
    await exec.start({ Detach: true });
    await container.remove({ force: true });
    const seen = (await heard).filter((e) => e.name === name);
    const actions = seen.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["create", "start", "exec_create", "exec_start", "destroy"]));
    expect(seen.find((e) => e.action === "create")).toMatchObject({
      environmentId: envId,
      type: "container",
      id: container.id,
      details: { image: fixture },
    });
    expect(JSON.stringify(seen)).not.toContain(`secret-${run}`);
  });

  it("sends each kind only to those who may read it there", async () => {
    const tag = `events-test/tagged:${run}`;
    const feed = await h.caller(imagesOnly).events.live({ environmentId: envId });
    const heard = readUntil(feed, (e) => e.type === "image" && e.action === "tag" && e.name === tag);
    const container = await docker.createContainer({
      Image: fixture,
      name: `events-hidden-${run}`,
      Cmd: ["true"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { NetworkMode: "none" },
    });
    await container.remove();
    await docker.getImage(fixture).tag({ repo: `events-test/tagged`, tag: run });
    const seen = await heard;
    expect(seen.filter((e) => e.type === "container")).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ type: "image", action: "tag", name: tag });
  });

  it("names the container of a network event only to those who may read containers", async () => {
    const role = await h.makeRole(["environment.read", "network.read"], "events-networks-only");
    const networksOnly = await h.actorFor((await h.makeUser([{ role: role.name }], "events-networks")).id);
    const name = `events-net-c-${run}`;
    const read = async (actor: Actor) => {
      const feed = await h.caller(actor).events.live({ environmentId: envId, types: ["network"] });
      return readUntil(feed, (e) => e.action === "disconnect" && e.name === "bridge");
    };
    const [blind, seeing] = [read(networksOnly), read(readOnly)];
    const container = await docker.createContainer({
      Image: fixture,
      name,
      Cmd: ["sleep", "300"],
      Labels: { [TEST_LABEL]: LABEL },
    });
    await container.start();
    await container.remove({ force: true });
    const connect = (events: FeedEvent[]) => events.find((e) => e.action === "connect" && e.name === "bridge");
    // Named, or by its short id when the event comes before the picture knows the container.
    expect([name, container.id.slice(0, 12)]).toContain(connect(await seeing)?.details.container);
    expect(connect(await blind)).toBeDefined();
    expect(connect(await blind)!.details.container).toBeUndefined();
    expect(JSON.stringify(await blind)).not.toContain(name);
    expect(JSON.stringify(await blind)).not.toContain(container.id.slice(0, 12));
  });

  it("filters by kind, and resumes after the last event a page saw", async () => {
    // The id of the last event a page saw, as the feed sent it.
    const first = await h.caller(readOnly).events.live({ environmentId: envId });
    let lastId = "";
    for await (const envelope of first) {
      lastId = (envelope as unknown as Envelope)[0];
      break;
    }
    const boot = lastId.split(".")[0]!;
    const last = h.services.fleet.events.recent(envId).at(-1)!.seq;
    const name = `events-resume-${run}`;
    const feed = await h.caller(readOnly).events.live({
      environmentId: envId,
      types: ["container"],
      lastEventId: `${boot}.${last}`,
    });
    const heard = readUntil(feed, (e) => e.action === "destroy" && e.name === name);
    const container = await docker.createContainer({
      Image: fixture,
      name,
      Cmd: ["true"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { NetworkMode: "none" },
    });
    await container.remove();
    const seen = await heard;
    expect(seen.every((e) => e.seq > last && e.type === "container")).toBe(true);
  });

  it("an id from before a restart (or from another replica) gets the kept events again, not nothing", async () => {
    const kept = h.services.fleet.events.recent(envId).length;
    expect(kept).toBeGreaterThan(0);
    for (const lastEventId of ["999999", "0badf00d.999999"]) {
      const feed = await h.caller(readOnly).events.live({ environmentId: envId, lastEventId });
      let count = 0;
      for await (const envelope of feed) {
        void envelope;
        if (++count >= Math.min(kept, 3)) break;
      }
      expect(count).toBe(Math.min(kept, 3));
    }
  });

  it("refuses another environment's admin and answers unknown environments and bad kinds with a 4xx", async () => {
    expect(await codeOf(h.caller(otherAdmin).events.live({ environmentId: envId }))).toBe("FORBIDDEN");
    const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "events-admin-2")).id);
    expect(await codeOf(h.caller(admin).events.live({ environmentId: "no-such-environment" }))).toBe("NOT_FOUND");
    expect(
      await codeOf(h.caller(readOnly).events.live({ environmentId: envId, types: ["nonsense" as "container"] })),
    ).toBe("BAD_REQUEST");
  });
});
