// The swarm's live streams hold their permission as every stream does (trpc/streaming.ts
// whileAllowed): a page following a cluster's changes stops when its binding goes, and a
// binding on a worker's environment opens no stream on the whole cluster. The task pulse keeps
// feeding an open page after its only manager answered too slowly once.
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { updateServiceRaw } from "../../testing/service-update";
import { need } from "../../testing/testbed-env";
import { waitUntil } from "../../testing/wait-until";
import type { Actor } from "../../core/context";
import { clusterById } from "./cluster";
import { followCluster, type SwarmChange } from "./live";
import { SUSPECT_FOR_MS, setSuspicionSpan } from "./managers";
import { swarmRuntime } from "./runtime";
import { pictureSource } from "./view";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;
const env = { manager: "", w1: "" };

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "streams-admin")).id);
  const api = h.caller(admin);
  env.manager = (
    await api.environments.create({ name: "mgr", url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` })
  ).id;
  env.w1 = (
    await api.environments.create({ name: "w1", url: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}` })
  ).id;
  await waitUntil(
    async () => {
      const { items } = await api.swarm.clusters();
      return items.length === 1 && items[0]!.environments.length === 2 ? items : undefined;
    },
    { ms: 30_000, retryErrors: true, what: "one cluster of two environments" },
  );
});

afterAll(async () => {
  await h?.close();
});

describe("swarm streams", () => {
  it("a reader's cluster feed ends when the binding on the manager is removed", async () => {
    const user = await h.makeUser([{ role: "Read-only", environmentId: env.manager }]);
    const reader = await h.actorFor(user.id);
    const feed = (await h.caller(reader).swarm.changes({ environmentId: env.w1 }))[Symbol.asyncIterator]();
    expect((await feed.next()).value).toEqual({ type: "resync", reason: "connected" });
    await h.prisma.roleBinding.deleteMany({ where: { userId: user.id } });
    // The one re-check (every 2 s) ends it quietly: a normal end of the stream, not an error.
    const end = await Promise.race([
      (async () => {
        for (;;) if ((await feed.next()).done) return "ended";
      })(),
      new Promise((r) => setTimeout(() => r("still open"), 20_000)),
    ]);
    expect(end).toBe("ended");
  });

  it("a binding on a worker's environment opens none of the cluster's streams", async () => {
    const user = await h.makeUser([{ role: "Administrator", environmentId: env.w1 }]);
    const workerAdmin = h.caller(await h.actorFor(user.id));
    expect(await codeOf(workerAdmin.swarm.changes({ environmentId: env.w1 }))).toBe("FORBIDDEN");
    // Refused on the binding, before anything is looked up: no service needs to exist.
    const target = { environmentId: env.w1, id: "web" };
    expect(await codeOf(workerAdmin.services.rollout(target))).toBe("FORBIDDEN");
    expect(await codeOf(workerAdmin.services.logs(target))).toBe("FORBIDDEN");
  });
});

describe("the task pulse", () => {
  it("feeds task changes again as soon as a lone manager that let a read time out answers", async () => {
    const fleet = h.services.fleet;
    const clusterId = fleet.status(env.manager)?.swarm?.clusterId;
    if (!clusterId) throw new Error("the manager's environment names no cluster");
    const docker = new Docker({ socketPath: need(testbed, "TESTBED_SWARM_MANAGER_SOCKET"), version: "v1.41" });
    const created = await docker.createService({
      Name: `pulse${process.pid % 1000}`,
      TaskTemplate: {
        ContainerSpec: { Image: need(testbed, "TESTBED_FIXTURE_IMAGE"), Command: ["sleep", "3600"] },
        RestartPolicy: { Condition: "none" },
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    const service = docker.getService(created.id);
    const changes: SwarmChange[] = [];
    const off = followCluster(fleet, clusterId, (change) => changes.push(change));
    const release = swarmRuntime(h.services).pulse.watch(clusterId);
    const pid = Number(readFileSync(`${need(testbed, "TESTBED_DIR")}/swarm-mgr/dockerd.pid`, "utf8").trim());
    // A suspicion that outlasts the test: only the manager's own answer can end it, so a change
    // that arrives at all proves the pulse read through it (on any machine's speed).
    setSuspicionSpan(fleet, 10 * 60_000);
    try {
      // Frozen past the pulse's 2 s deadline: its read times out, and the only manager is
      // suspected, so no picture serves the cluster.
      process.kill(pid, "SIGSTOP");
      try {
        await waitUntil(
          () => {
            const cluster = clusterById(fleet, clusterId);
            return Promise.resolve(cluster && !pictureSource(fleet, cluster) ? true : undefined);
          },
          { ms: 20_000, retryErrors: true, what: "the cluster without a picture source" },
        );
      } finally {
        process.kill(pid, "SIGCONT");
      }
      await updateServiceRaw(docker, created.id, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: 2 } } }));
      const taskChange = await waitUntil(
        () =>
          Promise.resolve(
            changes.find(
              (c) =>
                c.type === "changes" &&
                c.events.some((e) => e.kind === "tasks" && e.type === "upsert" && e.item.serviceId === created.id),
            ),
          ),
        { ms: 45_000, retryErrors: true, what: "a task change of the scaled service" },
      );
      expect(taskChange.type).toBe("changes");
    } finally {
      setSuspicionSpan(fleet, SUSPECT_FOR_MS);
      off();
      release();
      await service.remove().catch(() => undefined);
    }
  }, 120_000);
});
