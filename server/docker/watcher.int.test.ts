// A watcher on the swarm manager: services and tasks follow the engine, and a dropped
// connection is followed by a reconnect and a resync that catches what happened meanwhile.
import Docker from "dockerode";
import { afterAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import { timeUntil, waitUntil } from "../testing/wait-until";
import { EngineClient } from "./client";
import { Picture } from "./picture";
import { fetchResources } from "./resources";
import { Watcher, type RawEngineEvent, type WatcherState } from "./watcher";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const socketPath = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const LABEL = { "stevedore.test": "fleet" };
const docker = new Docker({ socketPath, version: "v1.41" });

afterAll(async () => {
  const filters = { label: ["stevedore.test=fleet"] };
  const services = await docker.listServices({ filters });
  await Promise.all(services.map((s) => docker.getService(s.ID).remove()));
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const images = await docker.listImages({ filters: { label: ["stevedore.test=fleet"] } });
  await Promise.all(
    images.map((i) =>
      docker
        .getImage(i.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
});

describe("Watcher and docker commit", () => {
  it("puts a committed image in the picture at once (no resync), and hands each event on as sent", async () => {
    const client = new EngineClient({ id: "mgr", name: "mgr", url: `unix://${socketPath}` });
    const picture = new Picture();
    const heard: RawEngineEvent[] = [];
    // No periodic resync while the test runs: the image can only come from the commit event.
    const watcher = new Watcher({
      client,
      picture,
      manager: false,
      resyncIntervalMs: 3_600_000,
      onEvent: (event) => heard.push(event),
    });
    watcher.start();
    try {
      await waitUntil(() => picture.isWarm("mgr"), { ms: 10_000, everyMs: 5, what: "a warm picture" });
      const resyncs = watcher.stats.resyncs;
      const container = await docker.createContainer({
        Image: fixture,
        name: `fleet-commit-${process.pid}`,
        Cmd: ["true"],
        Labels: LABEL,
        HostConfig: { NetworkMode: "none" },
      });
      const { Id: image } = (await container.commit({ changes: ["LABEL stevedore.test=fleet"] } as object)) as {
        Id: string;
      };
      await waitUntil(() => picture.get("mgr", "images", image) !== undefined, {
        ms: 20_000,
        everyMs: 5,
        what: "the committed image",
      });
      expect(watcher.stats.resyncs).toBe(resyncs);
      expect(
        heard.some(
          (e) =>
            e.Type === "container" &&
            e.Action === "commit" &&
            e.Actor?.Attributes?.name === `fleet-commit-${process.pid}`,
        ),
      ).toBe(true);
    } finally {
      watcher.stop();
      client.close();
    }
  });
});

describe("Watcher on a swarm manager", () => {
  it("keeps nodes, services and tasks current", async () => {
    const client = new EngineClient({ id: "mgr", name: "mgr", url: `unix://${socketPath}` });
    const picture = new Picture();
    const watcher = new Watcher({ client, picture, manager: true, tasksIntervalMs: 250 });
    watcher.start();
    let serviceId: string | undefined;
    try {
      await waitUntil(() => picture.isWarm("mgr"), { ms: 5_000, everyMs: 5, what: "a warm picture" });
      expect(picture.list("mgr", "nodes")).toHaveLength(3);
      const service = (await docker.createService({
        Name: `fleet-svc-${process.pid}`,
        Labels: LABEL,
        TaskTemplate: { ContainerSpec: { Image: fixture, Command: ["sleep", "300"], Labels: LABEL } },
        Mode: { Replicated: { Replicas: 2 } },
      })) as { id?: string; ID?: string };
      serviceId = service.id ?? service.ID ?? "";
      const id = serviceId;
      const appeared = await timeUntil(() => picture.get("mgr", "services", id) !== undefined, {
        ms: 1_000,
        everyMs: 5,
        what: "the service",
      });
      expect(picture.get("mgr", "services", id)).toMatchObject({ mode: "replicated", replicas: 2 });
      const tasksOf = () => (picture.list("mgr", "tasks") ?? []).filter((t) => t.serviceId === id);
      await waitUntil(() => tasksOf().filter((t) => t.state === "running").length === 2, {
        ms: 20_000,
        everyMs: 5,
        what: "two running tasks",
      });
      await docker.getService(id).remove();
      serviceId = undefined;
      await waitUntil(() => picture.get("mgr", "services", id) === undefined, {
        ms: 1_000,
        everyMs: 5,
        what: "the service's removal",
      });
      console.log(`watcher: service appeared in the picture after ${Math.round(appeared)} ms`);
    } finally {
      if (serviceId) await docker.getService(serviceId).remove();
      watcher.stop();
      client.close();
    }
    expect(picture.isWarm("mgr")).toBe(false);
  });

  it("reads the tasks a change's events ask for after the events, never joining a read begun before them", async () => {
    const client = new EngineClient({ id: "mgr", name: "mgr", url: `unix://${socketPath}` });
    const picture = new Picture();
    // No beat and no resync while the test runs: the task can only come from the reads events ask for.
    const watcher = new Watcher({
      client,
      picture,
      manager: true,
      deadlineMs: 30_000,
      tasksIntervalMs: 3_600_000,
      resyncIntervalMs: 3_600_000,
    });
    watcher.start();
    let open = () => {};
    let serviceId: string | undefined;
    try {
      await waitUntil(() => picture.isWarm("mgr"), { ms: 10_000, everyMs: 5, what: "a warm picture" });
      // A read of every task (the task pulse's, a list's) begun before the change and still in
      // flight when the change's events come: it cannot hold the change's task.
      const gate = new Promise<void>((resolve) => (open = resolve));
      const earlier = client.call(
        "tasks, begun before the change",
        async (d) => {
          const tasks = await fetchResources(d, "tasks");
          await gate;
          return tasks;
        },
        { deadlineMs: 60_000, key: "tasks:all" },
      );
      // On the manager's node: its container's events reach this watcher too.
      const service = (await docker.createService({
        Name: `fleet-fresh-${process.pid}`,
        Labels: LABEL,
        TaskTemplate: {
          ContainerSpec: { Image: fixture, Command: ["sleep", "300"], Labels: LABEL },
          Placement: { Constraints: ["node.role==manager"] },
        },
        Mode: { Replicated: { Replicas: 1 } },
      })) as { id?: string; ID?: string };
      const id = (serviceId = service.id ?? service.ID ?? "");
      await waitUntil(() => (picture.list("mgr", "tasks") ?? []).some((t) => t.serviceId === id), {
        ms: 20_000,
        everyMs: 5,
        what: "the new service's task, while the older read is still in flight",
      });
      open();
      await earlier;
      // Once the older read ends, nothing puts the picture back to before the change.
      expect((picture.list("mgr", "tasks") ?? []).some((t) => t.serviceId === id)).toBe(true);
    } finally {
      open();
      if (serviceId) await docker.getService(serviceId).remove();
      watcher.stop();
      client.close();
    }
  });

  it("reconnects after the connection drops (simulated: the client's sockets destroyed) and resyncs what it missed", async () => {
    const client = new EngineClient({ id: "mgr", name: "mgr", url: `unix://${socketPath}` });
    const picture = new Picture();
    const states: WatcherState[] = [];
    const watcher = new Watcher({
      client,
      picture,
      manager: false,
      backoff: { baseMs: 300, maxMs: 300 },
      onState: (state) => states.push(state),
    });
    watcher.start();
    try {
      await waitUntil(() => watcher.state === "live", { ms: 5_000, everyMs: 5, what: "live" });
      client.close();
      await waitUntil(() => watcher.state === "reconnecting", { ms: 1_000, everyMs: 5, what: "reconnecting" });
      expect(picture.isWarm("mgr")).toBe(false);
      // Created while nobody listens: only the resync can bring it in.
      const missed = await docker.createContainer({ Image: fixture, Cmd: ["sleep", "300"], Labels: LABEL });
      const took = await timeUntil(() => watcher.state === "live" && picture.isWarm("mgr"), {
        ms: 5_000,
        everyMs: 5,
        what: "live again",
      });
      expect(picture.get("mgr", "containers", missed.id)).toMatchObject({ state: "created" });
      expect(states).toEqual(["connecting", "live", "reconnecting", "connecting", "live"]);
      expect(watcher.stats.resyncs).toBe(2);
      console.log(`watcher: back live and resynced ${Math.round(took)} ms after the drop was noticed`);
      await missed.remove({ force: true });
    } finally {
      watcher.stop();
      client.close();
    }
  });
});
