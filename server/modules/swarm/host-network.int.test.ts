// The host's networks are host access by any spelling. The engine resolves a service's network
// by full id, name or id prefix, on the swarm's networks (whose predefined `host` and `bridge`
// have ids of their own, never listed) and then on the manager's own (whose `host` and
// `bridge` stand for the swarm's). An Operator (no container.create.privileged) is refused a
// service or a stack that names one of them by any of those spellings, through the API, and
// nothing reaches the engine; the swarm's own overlay networks stay plain.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import { clusterOf, type Cluster } from "./cluster";
import { engineRequest } from "./engine";
import { serviceFacts } from "./facts";
import { judgeServiceSpec } from "./judge";

const testbed = inject("testbed");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const manager = new Docker({ socketPath: socket, version: "v1.41" });
const PREFIX = `hn${process.pid % 1000}`;
const OVERLAY = `${PREFIX}-overlay`;

let h: Harness;
let operator: Actor;
let environmentId = "";
/** The swarm's predefined host and bridge networks (ids of the swarm's, not of any engine). */
const swarmNet = { host: "", bridge: "" };
/** The manager engine's own host network. */
let localHostId = "";

async function servicesNamed(prefix: string): Promise<string[]> {
  return (await manager.listServices())
    .map((s) => s.Spec?.Name ?? "")
    .filter((n) => n.startsWith(prefix))
    .sort();
}

async function clean(): Promise<void> {
  const services = (await manager.listServices()).filter((s) => s.Spec?.Name?.startsWith(PREFIX));
  await Promise.all(services.map((s) => manager.getService(s.ID).remove()));
  await manager
    .getNetwork(OVERLAY)
    .remove()
    .catch(() => undefined);
}

async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => new Error("accepted"),
    (e: unknown) => e as Error & { code?: string },
  );
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "hostnet-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "hostnet-operator")).id);
  await clean();
  environmentId = (await h.caller(admin).environments.create({ name: "hostnet-mgr", url: `unix://${socket}` })).id;
  for (const name of ["host", "bridge"] as const) {
    const swarm = await engineRequest<{ Id: string }>(manager, {
      method: "GET",
      path: `/networks/${name}`,
      query: { scope: "swarm" },
    });
    swarmNet[name] = swarm.Id;
  }
  localHostId = ((await manager.getNetwork("host").inspect()) as { Id: string }).Id;
  expect(swarmNet.host).not.toBe(localHostId);
  await manager.createNetwork({ Name: OVERLAY, Driver: "overlay", Attachable: true });
});

afterAll(async () => {
  await clean().catch(() => undefined);
  await h?.close();
});

describe("the host's networks, by any spelling", () => {
  it("refuses an Operator's service on the host or bridge network by name, and creates nothing", async () => {
    const api = h.caller(operator);
    for (const network of ["host", "bridge"]) {
      const spec = { name: `${PREFIX}-${network}`, image, command: ["sleep", "3600"], networks: [{ name: network }] };
      // The form door resolves the name to the manager's own network id before judging.
      const check = await api.services.check({ environmentId, spec });
      expect(check.violations.map((v) => [v.field, v.permission])).toEqual([
        ["TaskTemplate.Networks[0].Target", "container.create.privileged"],
      ]);
      const error = await refusal(api.services.create({ environmentId, spec }));
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain(`joins the host's ${network} network`);
    }
    expect(await servicesNamed(PREFIX)).toEqual([]);
  });

  it("refuses an Operator's stack whose external network is the swarm's host network by id or id prefix", async () => {
    const api = h.caller(operator);
    const spellings = [
      swarmNet.host,
      swarmNet.host.slice(0, 6),
      swarmNet.bridge,
      localHostId,
      localHostId.slice(0, 12),
    ];
    for (const [i, spelt] of spellings.entries()) {
      const stack = `${PREFIX}s${i}`;
      const composeFile = `
services:
  web:
    image: ${image}
    command: sleep 3600
    networks: [outside]
networks:
  outside:
    external: true
    name: ${spelt}
`;
      const error = await refusal(api.stacks.deploy({ environmentId, name: stack, composeFile }));
      // Refused by the policy, or (an engine's own network, which a swarm service cannot use)
      // by the deploy's check of the external network; never deployed.
      expect(error.message, spelt).not.toBe("accepted");
      if (spelt.startsWith(swarmNet.host.slice(0, 6)) || spelt === swarmNet.bridge) {
        expect(error.code, spelt).toBe("FORBIDDEN");
        expect(error.message, spelt).toMatch(/joins the host's (host|bridge) network/);
      }
      expect(await servicesNamed(stack), spelt).toEqual([]);
    }
  });

  it("refuses an update that moves an Operator's service onto the host network by id, and lets it use an overlay", async () => {
    const api = h.caller(operator);
    const name = `${PREFIX}-svc`;
    const spec = { name, image, command: ["sleep", "3600"], networks: [{ name: OVERLAY }] };
    expect((await api.services.check({ environmentId, spec })).violations).toEqual([]);
    await api.services.create({ environmentId, spec });
    // The form door names networks the manager lists; the swarm's host network is not one of
    // them, by id or otherwise, so it is no network of this swarm there (a 4xx, not a 500).
    const unknown = await refusal(
      api.services.update({ environmentId, id: name, spec: { ...spec, networks: [{ name: swarmNet.host }] } }),
    );
    expect(unknown.code).toBe("BAD_REQUEST");
    const byLocalId = await refusal(
      api.services.update({ environmentId, id: name, spec: { ...spec, networks: [{ name: localHostId }] } }),
    );
    expect(byLocalId.code).toBe("FORBIDDEN");
    const held = (await manager.getService(name).inspect()) as {
      Spec: { TaskTemplate: { Networks?: { Target: string }[] } };
    };
    const overlayId = ((await manager.getNetwork(OVERLAY).inspect()) as { Id: string }).Id;
    expect(held.Spec.TaskTemplate.Networks?.map((n) => n.Target)).toEqual([overlayId]);
  });
});

describe("the facts a service is judged on", () => {
  it("take a manager's partial answer (an engine demoted since its last probe) as no answer", async () => {
    // A worker's engine in the managers' place: what a manager demoted since the last probe
    // answers. It lists its own networks but has no swarm copy of host or bridge, so taking its
    // answer as complete would leave the swarm's host network by id unrefused.
    const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "hostnet-admin3")).id);
    const workerId = (
      await h
        .caller(admin)
        .environments.create({ name: "hostnet-w1", url: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}` })
    ).id;
    const fleet = h.services.fleet;
    const real = clusterOf(fleet, environmentId);
    const stale = { environmentId: workerId, name: "hostnet-w1", role: "manager", state: "up" } as const;
    const body = { Name: `${PREFIX}-facts`, TaskTemplate: { Networks: [{ Target: swarmNet.host }] } };
    const endpointOf = () => Promise.resolve(null);
    const alone: Cluster = { ...real, managers: [stale], workers: [] };
    expect((await serviceFacts(fleet, alone, body, endpointOf)).hostNetworks).toBeNull();
    // Beside a manager that answers in full, that one's answer serves.
    const beside: Cluster = { ...real, managers: [stale, ...real.managers], workers: [] };
    const ids = (await serviceFacts(fleet, beside, body, endpointOf)).hostNetworks?.map((n) => n.id);
    expect(ids).toContain(swarmNet.host);
    expect(ids).toContain(localHostId);
  });
});

describe("a network named like a prefix of the host network's id", () => {
  it("is that network for a service (the engine finds a name before an id prefix); the bare prefix is still the host's", async () => {
    // A hex name that is a prefix of the swarm's host network id, as a network of the swarm.
    const named = swarmNet.host.slice(0, 5);
    const unnamed = swarmNet.host.slice(0, 6);
    const created = await manager.createNetwork({ Name: named, Driver: "overlay", Attachable: true });
    try {
      const fleet = h.services.fleet;
      const cluster = clusterOf(fleet, environmentId);
      const endpointOf = () => Promise.resolve(null);
      const grants = { privileged: false, dockerSocket: false };
      const body = (target: string) => ({
        Name: `${PREFIX}-named`,
        TaskTemplate: { ContainerSpec: { Image: image }, Networks: [{ Target: target }] },
      });
      const factsNamed = await serviceFacts(fleet, cluster, body(named), endpointOf);
      expect(factsNamed.networkNames).toEqual([named]);
      expect(judgeServiceSpec(body(named), grants, factsNamed)).toEqual([]);
      const factsBare = await serviceFacts(fleet, cluster, body(unnamed), endpointOf);
      expect(factsBare.networkNames).toEqual([]);
      expect(judgeServiceSpec(body(unnamed), grants, factsBare).map((v) => v.field)).toEqual([
        "TaskTemplate.Networks[0].Target",
      ]);
    } finally {
      await manager
        .getNetwork(created.id)
        .remove()
        .catch(() => undefined);
    }
  });
});

describe("a container's network, by any spelling", () => {
  it("refuses an Operator's container on the engine's host network by id or id prefix, and creates nothing", async () => {
    const standalone = need(testbed, "TESTBED_STANDALONE_SOCKET");
    const docker = new Docker({ socketPath: standalone, version: "v1.41" });
    const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "hostnet-admin2")).id);
    const environment = (
      await h.caller(admin).environments.create({ name: "hostnet-one", url: `unix://${standalone}` })
    ).id;
    const hostId = ((await docker.getNetwork("host").inspect()) as { Id: string }).Id;
    for (const [i, spelt] of [hostId, hostId.slice(0, 12), hostId.slice(0, 3)].entries()) {
      const spec = {
        image,
        name: `${PREFIX}-c${i}`,
        command: ["sleep", "600"],
        hostAccess: { networkMode: spelt },
      };
      const check = await h.caller(operator).containers.check({ environmentId: environment, spec });
      expect(
        check.violations.map((v) => [v.field, v.permission]),
        spelt,
      ).toEqual([["HostConfig.NetworkMode", "container.create.privileged"]]);
      const error = await refusal(h.caller(operator).containers.create({ environmentId: environment, spec }));
      expect(error.code, spelt).toBe("FORBIDDEN");
      expect(error.message, spelt).toContain("shares the host's network namespace");
      const made = await docker.listContainers({ all: true, filters: { name: [spec.name] } });
      expect(made, spelt).toEqual([]);
    }
  });
});
