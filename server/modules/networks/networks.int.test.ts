// Networks on real engines: create bridge with IPAM (and overlay, attachable and encrypted, on
// the swarm manager), inspect with the containers attached and their addresses, connect with
// an alias and a fixed address, disconnect, remove refused while attached (naming the
// container), prune after its preview; macvlan needs host access. Every action on the record.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import { engine, removeLabelled, TEST_LABEL, until } from "../testing/engines";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const sockets = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  manager: need(testbed, "TESTBED_SWARM_MANAGER_SOCKET"),
};
const docker = { standalone: engine(sockets.standalone), manager: engine(sockets.manager) };
const env: Record<keyof typeof sockets, string> = { standalone: "", manager: "" };
const LABEL = "networks";
const run = Date.now().toString(36);
const named = (what: string) => `h10-net-${what}-${run}`;
// A /24 of its own per run, so reruns do not overlap a pool left behind.
const octet = 16 + (Date.now() % 200);
const subnet = `172.29.${octet}.0/24`;

let h: Harness;
let admin: Actor;
let operator: Actor;
let readOnly: Actor;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "networks-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "networks-operator")).id);
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "networks-readonly")).id);
  for (const [name, socket] of Object.entries(sockets)) {
    env[name as keyof typeof sockets] = (
      await h.caller(admin).environments.create({ name, url: `unix://${socket}` })
    ).id;
  }
  await until(
    () =>
      h.services.fleet.picture.isWarm(env.standalone) &&
      h.services.fleet.status(env.manager)?.swarm?.role === "manager",
    "warm pictures",
  );
});

afterAll(async () => {
  for (const d of Object.values(docker)) {
    await removeLabelled(d, LABEL);
    for (const n of await d.listNetworks()) {
      if (n.Name.endsWith(run))
        await d
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined);
    }
  }
  h?.services.fleet.close();
  await h?.close();
});

const networkExists = (name: string, d = docker.standalone) =>
  d.listNetworks({ filters: { name: [name] } }).then((l) => l.some((n) => n.Name === name));

describe("create, connect, remove", () => {
  it("creates a bridge with a pool, connects a container with an alias and a fixed address, then removes it when free", async () => {
    const api = h.caller(operator);
    const name = named("app");
    const created = await api.networks.create({
      environmentId: env.standalone,
      name,
      ipam: [{ subnet, gateway: `172.29.${octet}.1`, ipRange: `172.29.${octet}.128/25` }],
      internal: true,
      labels: { team: "a" },
    });
    expect(created.id).toMatch(/^[a-f0-9]{64}$/);
    expect(created.cli).toBe(
      `docker --context standalone network create --subnet ${subnet} --gateway 172.29.${octet}.1 --ip-range 172.29.${octet}.128/25 --internal --label team=a ${name}`,
    );
    expect(await codeOf(api.networks.create({ environmentId: env.standalone, name }))).toBe("CONFLICT");
    await until(
      async () => (await h.caller(readOnly).networks.list({})).items.some((n) => n.name === name),
      "the network in the list",
    );
    const listed = (await api.networks.list({})).items.find((n) => n.name === name)!;
    expect(listed).toMatchObject({
      driver: "bridge",
      internal: true,
      subnets: [subnet],
      environmentId: env.standalone,
    });

    const container = await docker.standalone.createContainer({
      Image: fixture,
      name: `h10-net-user-${run}`,
      Cmd: ["sleep", "600"],
      Labels: { [TEST_LABEL]: LABEL },
    });
    await container.start();
    const connected = await api.networks.connect({
      environmentId: env.standalone,
      network: name,
      container: `h10-net-user-${run}`,
      aliases: ["db"],
      ipv4Address: `172.29.${octet}.10`,
    });
    expect(connected.cli).toBe(
      `docker --context standalone network connect --alias db --ip 172.29.${octet}.10 ${name} h10-net-user-${run}`,
    );
    const endpoint = (
      (await container.inspect()).NetworkSettings.Networks as Record<
        string,
        { Aliases: string[] | null; IPAddress: string }
      >
    )[name]!;
    expect(endpoint.IPAddress).toBe(`172.29.${octet}.10`);
    expect(endpoint.Aliases).toContain("db");

    const detail = await h.caller(readOnly).networks.get({ environmentId: env.standalone, network: name });
    expect(detail.containers).toEqual([
      expect.objectContaining({ name: `h10-net-user-${run}`, ipv4Address: `172.29.${octet}.10/24` }),
    ]);
    expect(detail.ipam).toEqual([{ subnet, gateway: `172.29.${octet}.1`, ipRange: `172.29.${octet}.128/25` }]);

    // Removal is refused while the container is attached, naming it (as an admin: an Operator may not remove).
    expect(await codeOf(api.networks.remove({ environmentId: env.standalone, network: name }))).toBe("FORBIDDEN");
    await expect(h.caller(admin).networks.remove({ environmentId: env.standalone, network: name })).rejects.toThrow(
      new RegExp(`in use by container h10-net-user-${run}`),
    );
    // An address outside the pool or taken is the engine's refusal, a 400.
    expect(
      await codeOf(
        api.networks.connect({ environmentId: env.standalone, network: name, container: `h10-net-user-${run}` }),
      ),
    ).toBe("BAD_REQUEST");

    await api.networks.disconnect({ environmentId: env.standalone, network: name, container: `h10-net-user-${run}` });
    expect(
      await codeOf(
        api.networks.disconnect({ environmentId: env.standalone, network: name, container: `h10-net-user-${run}` }),
      ),
    ).toBe("BAD_REQUEST");
    const removed = await h.caller(admin).networks.remove({ environmentId: env.standalone, network: name });
    expect(removed.cli).toBe(`docker --context standalone network rm ${name}`);
    expect(await networkExists(name)).toBe(false);

    const events = await h.prisma.auditEvent.findMany({
      where: { action: { startsWith: "networks." }, outcome: "ok" },
      orderBy: { time: "asc" },
    });
    expect(events.map((e) => e.action).sort()).toEqual([
      "networks.connect",
      "networks.create",
      "networks.disconnect",
      "networks.remove",
    ]);
    expect(events.find((e) => e.action === "networks.create")).toMatchObject({
      targetKind: "network",
      targetId: created.id,
      targetName: name,
    });
  });

  it("an attachable, encrypted overlay is made through the swarm manager, and refused on a standalone engine", async () => {
    const name = named("overlay");
    const input = { name, driver: "overlay" as const, attachable: true, encrypted: true };
    await expect(h.caller(operator).networks.create({ environmentId: env.standalone, ...input })).rejects.toThrow(
      /swarm manager/,
    );
    const created = await h.caller(operator).networks.create({ environmentId: env.manager, ...input });
    expect(created.cli).toBe(
      `docker --context manager network create --driver overlay --attachable --opt encrypted ${name}`,
    );
    const detail = await h.caller(admin).networks.get({ environmentId: env.manager, network: name });
    expect(detail).toMatchObject({ driver: "overlay", scope: "swarm", attachable: true, encrypted: true });
    await h.caller(admin).networks.remove({ environmentId: env.manager, network: name });
    expect(await networkExists(name, docker.manager)).toBe(false);
  });

  it("macvlan needs host access; bad input is a 400; refusals change nothing", async () => {
    const before = await h.snapshot();
    await expect(
      h.caller(operator).networks.create({ environmentId: env.standalone, name: named("mac"), driver: "macvlan" }),
    ).rejects.toThrow(/container\.create\.privileged/);
    expect(await codeOf(h.caller(readOnly).networks.create({ environmentId: env.standalone, name: named("ro") }))).toBe(
      "FORBIDDEN",
    );
    expect(await h.snapshot()).toEqual(before);
    expect(await networkExists(named("mac"))).toBe(false);
    expect(await networkExists(named("ro"))).toBe(false);
    const denied = await h.prisma.auditEvent.findMany({ where: { action: "networks.create", outcome: "denied" } });
    expect(denied.length).toBe(2);

    const api = h.caller(admin);
    const bad = [
      { name: "bad name" },
      { name: named("b"), ipam: [{ subnet: "10.0.0.0/99" }] },
      { name: named("b"), ipam: [{ subnet: "10.9.0.0/16", gateway: "not-an-ip" }] },
      { name: named("b"), encrypted: true },
      { name: named("b"), driver: "host" },
    ];
    for (const input of bad) {
      expect(await codeOf(api.networks.create({ environmentId: env.standalone, ...(input as { name: string }) }))).toBe(
        "BAD_REQUEST",
      );
    }
    expect(await codeOf(api.networks.remove({ environmentId: env.standalone, network: "bridge" }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.networks.remove({ environmentId: env.standalone, network: named("none") }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(
        api.networks.connect({ environmentId: env.standalone, network: "bridge", container: "no-such-container-x" }),
      ),
    ).toBe("NOT_FOUND");
  });
});

describe("a network named like the host network's id", () => {
  it("is that network, not the host's: an Operator's container joins it, while the bare prefix stays refused", async () => {
    // Review finding: a network whose name is a prefix of the host network's id was refused as
    // the host's, though the engine finds a network by name before it tries id prefixes.
    const hostId = ((await docker.standalone.getNetwork("host").inspect()) as { Id: string }).Id;
    const name = hostId.slice(0, 6);
    const spec = {
      image: fixture,
      name: named("prefix-named"),
      command: ["sleep", "600"],
      labels: { [TEST_LABEL]: LABEL },
      hostAccess: { networkMode: name },
    };
    const api = h.caller(operator);
    // No network of that name: the engine would resolve it to the host's, so it is refused.
    const unnamed = await api.containers.check({ environmentId: env.standalone, spec });
    expect(unnamed.violations.map((v) => [v.field, v.permission])).toEqual([
      ["HostConfig.NetworkMode", "container.create.privileged"],
    ]);
    await docker.standalone.createNetwork({ Name: name, Labels: { [TEST_LABEL]: LABEL } });
    try {
      expect((await api.containers.check({ environmentId: env.standalone, spec })).violations).toEqual([]);
      const made = await api.containers.create({ environmentId: env.standalone, spec });
      const info = await docker.standalone.getContainer(made.id).inspect();
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([name]);
      expect(info.NetworkSettings.Networks[name]?.NetworkID).not.toBe(hostId);
      // Joined as a further network, too; the host network's full id still is the host's.
      const joins = { ...spec, name: named("prefix-joins"), hostAccess: undefined, networks: [{ name }] };
      expect((await api.containers.check({ environmentId: env.standalone, spec: joins })).violations).toEqual([]);
      const full = { ...spec, hostAccess: { networkMode: hostId } };
      expect((await api.containers.check({ environmentId: env.standalone, spec: full })).violations).toHaveLength(1);
      await docker.standalone.getContainer(made.id).remove({ force: true });
    } finally {
      await docker.standalone
        .getNetwork(name)
        .remove()
        .catch(() => undefined);
    }
  });
});

describe("prune", () => {
  it("shows first which unused networks go, then removes exactly those", async () => {
    const api = h.caller(admin);
    const unused = named("unused");
    const kept = named("kept");
    await api.networks.create({ environmentId: env.standalone, name: unused });
    await api.networks.create({ environmentId: env.standalone, name: kept });
    const user = await docker.standalone.createContainer({
      Image: fixture,
      Cmd: ["sleep", "600"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { NetworkMode: kept },
    });
    await user.start();
    expect(await codeOf(h.caller(operator).networks.prune({ environmentId: env.standalone }))).toBe("FORBIDDEN");
    const preview = await api.networks.prunePreview({ environmentId: env.standalone });
    const going = preview.networks.map((n) => n.name);
    expect(going).toContain(unused);
    expect(going).not.toContain(kept);
    expect(going).not.toContain("bridge");

    const pruned = await api.networks.prune({ environmentId: env.standalone });
    expect(pruned.deleted).toContain(unused);
    expect(pruned.deleted).not.toContain(kept);
    expect(pruned.cli).toBe("docker --context standalone network prune -f");
    expect(await networkExists(unused)).toBe(false);
    expect(await networkExists(kept)).toBe(true);
    await user.remove({ force: true });
  });
});
