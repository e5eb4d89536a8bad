// Disk use and the system prune on a real engine: the df totals by kind, a preview that names
// what goes (a stopped container, an unused network and volume, a dangling image, all carrying
// this run's label), counts before and after, the audit row with its command line, and every
// refusal (read-only, operator, an admin of another environment) changing nothing.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "../../core/context";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { engine, removeLabelled, TEST_LABEL, until } from "../testing/engines";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker: Docker = engine(need(testbed, "TESTBED_STANDALONE_SOCKET"));
const LABEL = "disk";
const run = Date.now().toString(36);
/** What this run makes carries this label; the prunes are filtered by it, so nothing else goes. */
const RUN_LABEL = "stevedore.test.disk";
const labels = { [TEST_LABEL]: LABEL, [RUN_LABEL]: run };

let h: Harness;
let admin: Actor;
let readOnly: Actor;
let operator: Actor;
let otherAdmin: Actor;
let envId = "";

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "disk-admin")).id);
  envId = (
    await h
      .caller(admin)
      .environments.create({ name: "standalone", url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}` })
  ).id;
  const elsewhere = await h.makeEnvironment("disk-elsewhere");
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "disk-reader")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "disk-operator")).id);
  otherAdmin = await h.actorFor(
    (await h.makeUser([{ role: "Environment admin", environmentId: elsewhere.id }], "disk-other-admin")).id,
  );
  await until(() => h.services.fleet.picture.isWarm(envId), "a warm picture");
});

afterAll(async () => {
  await removeLabelled(docker, LABEL);
  await docker
    .getNetwork(`disk-net-${run}`)
    .remove()
    .catch(() => undefined);
  await docker
    .getVolume(`disk-vol-${run}`)
    .remove()
    .catch(() => undefined);
  h?.services.fleet.close();
  await h?.close();
});

const exists = (what: Promise<unknown>) => what.then(() => true).catch(() => false);

describe("disk usage", () => {
  it("gives each kind's count, size and what a prune could free, with the df line", async () => {
    const usage = await h.caller(readOnly).disk.usage({ environmentId: envId });
    expect(usage.kinds.map((k) => k.kind)).toEqual(["images", "containers", "volumes", "buildCache"]);
    const images = usage.kinds.find((k) => k.kind === "images")!;
    const raw = (await docker.listImages()).length;
    expect(images.count).toBe(raw);
    expect(images.bytes).toBeGreaterThan(0);
    expect(images.reclaimableBytes).toBeLessThanOrEqual(images.bytes);
    expect(usage.totalBytes).toBe(usage.kinds.reduce((s, k) => s + k.bytes, 0));
    expect(usage.cli).toBe("docker --context standalone system df");
  });
});

describe("system prune", () => {
  it("previews what goes, prunes exactly that, and the counts drop by it", async () => {
    // A stopped container, then a dangling image committed from it, an unused network and volume.
    const stopped = await docker.createContainer({
      Image: fixture,
      name: `disk-stopped-${run}`,
      Cmd: ["true"],
      Labels: labels,
      HostConfig: { NetworkMode: "none" },
    });
    const { Id: danglingImage } = (await stopped.commit({ changes: [`LABEL ${RUN_LABEL}=${run}`] } as object)) as {
      Id: string;
    };
    const keptContainer = await docker.createContainer({
      Image: fixture,
      name: `disk-kept-${run}`,
      Cmd: ["true"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { NetworkMode: "none" },
    });
    await docker.createNetwork({ Name: `disk-net-${run}`, Labels: labels });
    await docker.createVolume({
      Name: `disk-vol-${run}`,
      Labels: { ...labels, "com.docker.volume.anonymous": "" },
    });
    const api = h.caller(admin);
    const filter = { environmentId: envId, volumes: true, labels: [`${RUN_LABEL}=${run}`] };
    const before = await api.disk.usage({ environmentId: envId });

    const preview = await api.disk.prunePreview(filter);
    expect(preview.containers.map((c) => c.name)).toEqual([`disk-stopped-${run}`]);
    expect(preview.images.map((i) => i.id)).toEqual([danglingImage]);
    expect(preview.networks.map((n) => n.name)).toEqual([`disk-net-${run}`]);
    expect(preview.volumes.map((v) => v.name)).toEqual([`disk-vol-${run}`]);
    expect(preview.buildCache).toBeNull();
    expect(preview.cli).toBe(
      `docker --context standalone system prune -f --volumes --filter label=${RUN_LABEL}=${run}`,
    );

    const result = await api.disk.prune(filter);
    expect(result).toMatchObject({ containers: 1, networks: 1, images: 1, volumes: 1, buildCache: 0 });
    expect(result.cli).toBe(preview.cli);
    expect(await exists(stopped.inspect())).toBe(false);
    expect(await exists(docker.getImage(danglingImage).inspect())).toBe(false);
    expect(await exists(docker.getNetwork(`disk-net-${run}`).inspect())).toBe(false);
    expect(await exists(docker.getVolume(`disk-vol-${run}`).inspect())).toBe(false);
    expect(await exists(keptContainer.inspect())).toBe(true);
    expect(await exists(docker.getImage(fixture).inspect())).toBe(true);

    const after = await api.disk.usage({ environmentId: envId });
    const count = (u: typeof before, kind: string) => u.kinds.find((k) => k.kind === kind)!.count;
    expect(count(after, "containers")).toBe(count(before, "containers") - 1);
    expect(count(after, "images")).toBe(count(before, "images") - 1);
    expect(count(after, "volumes")).toBe(count(before, "volumes") - 1);

    const event = await h.prisma.auditEvent.findFirst({ where: { action: "disk.prune", outcome: "ok" } });
    expect(event).toMatchObject({ permission: "system.prune", environmentId: envId, targetName: "standalone" });
    expect(event!.params).toMatchObject({ cli: result.cli, containers: 1, images: 1 });
  });

  it("refuses the read-only user, an operator and another environment's admin; nothing changes", async () => {
    const stopped = await docker.createContainer({
      Image: fixture,
      name: `disk-refused-${run}`,
      Cmd: ["true"],
      Labels: labels,
      HostConfig: { NetworkMode: "none" },
    });
    const filter = { environmentId: envId, labels: [`${RUN_LABEL}=${run}`] };
    const before = await h.snapshot();
    for (const actor of [readOnly, operator, otherAdmin]) {
      expect(await codeOf(h.caller(actor).disk.prune(filter))).toBe("FORBIDDEN");
      expect(await codeOf(h.caller(actor).disk.prunePreview(filter))).toBe("FORBIDDEN");
    }
    expect(await codeOf(h.caller(otherAdmin).disk.usage({ environmentId: envId }))).toBe("FORBIDDEN");
    expect(await h.snapshot()).toEqual(before);
    expect(await exists(stopped.inspect())).toBe(true);
    const denied = await h.prisma.auditEvent.count({ where: { action: "disk.prune", outcome: "denied" } });
    expect(denied).toBeGreaterThanOrEqual(3);
  });

  it("pruning volumes too needs volume.delete as well as system.prune", async () => {
    const pruner = await h.actorFor(
      (await h.makeUser([{ role: (await h.makeRole(["environment.read", "system.prune"])).name }])).id,
    );
    const volumeName = `disk-kept-${run}`;
    await docker.createVolume({ Name: volumeName, Labels: labels });
    const filter = { environmentId: envId, labels: [`${RUN_LABEL}=${run}`] };
    const before = await h.snapshot();
    expect(await codeOf(h.caller(pruner).disk.prune({ ...filter, volumes: true }))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(pruner).disk.prunePreview({ ...filter, volumes: true }))).toBe("FORBIDDEN");
    expect(await h.snapshot()).toEqual(before);
    expect(await exists(docker.getVolume(volumeName).inspect())).toBe(true);
    // Without volumes the same role may prune.
    await h.caller(pruner).disk.prune(filter);
    expect(await exists(docker.getVolume(volumeName).inspect())).toBe(true);
    await docker.getVolume(volumeName).remove();
  });

  it("answers bad filters and unknown environments with a 4xx", async () => {
    const api = h.caller(admin);
    expect(await codeOf(api.disk.prune({ environmentId: envId, labels: ["=value"] }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.disk.prune({ environmentId: envId, labels: ["x".repeat(300)] }))).toBe("BAD_REQUEST");
    expect(
      await codeOf(api.disk.prune({ environmentId: envId, labels: Array.from({ length: 11 }, (_, i) => `k${i}`) })),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(api.disk.usage({ environmentId: "no-such-environment" }))).toMatch(/NOT_FOUND|FORBIDDEN/);
  });
});
