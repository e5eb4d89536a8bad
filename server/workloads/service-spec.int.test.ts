// The service side of the kit on a real swarm manager: the ServiceSpec the sections write is
// one the engine takes, `docker service inspect` reads back into the same spec, an update
// changes what the spec models and keeps what it does not, and `docker service create` with
// the words the kit writes makes the same service.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import type { ServiceSpecView } from "./section";
import {
  serviceCreateCli,
  serviceSpec,
  serviceSpecOf,
  toServiceSpec,
  toServiceUpdate,
  type ServiceSpecInput,
} from "./service-spec";

const testbed = inject("testbed");
const IMAGE = need(testbed, "TESTBED_FIXTURE_IMAGE");
const SOCKET = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const engine = new Docker({ socketPath: SOCKET, version: "v1.41" });
const stamp = `svcspec-${Date.now()}`;
const LABEL = { "stevedore.test": stamp };
let networkId = "";

beforeAll(async () => {
  const network = await engine.createNetwork({ Name: `${stamp}-net`, Driver: "overlay", Labels: LABEL });
  networkId = network.id;
});

afterAll(async () => {
  const services = await engine.listServices({ filters: { label: [`stevedore.test=${stamp}`] } });
  await Promise.all(services.map((s) => engine.getService(s.ID).remove()));
  if (networkId) {
    // The network is in use until the services' tasks are gone.
    for (let i = 0; i < 100; i++) {
      const removed = await engine
        .getNetwork(networkId)
        .remove()
        .then(() => true)
        .catch(() => false);
      if (removed) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});

const parse = (input: ServiceSpecInput) => serviceSpec.parse(input);

/** Every section, in a spec the test bed's swarm can hold. */
const full = (name: string, network: string): ServiceSpecInput => ({
  image: IMAGE,
  name,
  mode: { kind: "replicated", replicas: 1 },
  entrypoint: ["/bin/sh", "-c"],
  command: ["echo 'hi' && sleep 600"],
  env: [{ name: "MODE", value: "prod" }],
  labels: { ...LABEL, team: "ops" },
  containerLabels: { tier: "front" },
  restartPolicy: { name: "on-failure", maximumRetryCount: 5 },
  ports: [{ containerPort: 53, protocol: "udp", publishMode: "host" }],
  volumes: [{ source: `${stamp}-data`, target: "/data", readOnly: true }],
  tmpfs: [{ target: "/run", sizeBytes: 64 * 1024 * 1024 }],
  networks: [{ name: network, aliases: ["api"] }],
  resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pidsLimit: 100 },
  user: "1000",
  workingDir: "/srv",
  hostname: "web",
  healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 10, retries: 3 },
});

async function inspectSpec(id: string): Promise<{ spec: ServiceSpecView; version: number }> {
  const info = (await engine.getService(id).inspect()) as { Spec: ServiceSpecView; Version: { Index: number } };
  return { spec: info.Spec, version: info.Version.Index };
}

/** The engine keeps a local image's reference as given, and names a network by its ID. */
const asTheEngineKeepsIt = (input: ServiceSpecInput): ServiceSpecInput => ({
  ...input,
  networks: input.networks?.map((n) => ({ ...n, name: networkId })),
});

describe("a swarm manager takes the ServiceSpec and gives the same spec back", () => {
  it("created from the kit's ServiceSpec, inspect reads back into the spec", async () => {
    const input = full(`${stamp}-api`, `${stamp}-net`);
    const created = (await engine.createService(toServiceSpec(parse(input)).body)) as { id?: string; ID?: string };
    const id = created.id ?? created.ID ?? "";
    const back = serviceSpecOf((await inspectSpec(id)).spec);
    expect(back.dropped).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(parse(asTheEngineKeepsIt(input)));
  });

  it("an update changes what the spec models and keeps what it does not", async () => {
    const input = full(`${stamp}-upd`, `${stamp}-net`);
    const body = toServiceSpec(parse(input)).body as Record<string, Record<string, unknown>>;
    body.TaskTemplate!.Placement = { Constraints: ["node.role==manager"] };
    body.UpdateConfig = { Parallelism: 2, Order: "stop-first" };
    const created = (await engine.createService(body)) as { id?: string; ID?: string };
    const id = created.id ?? created.ID ?? "";

    const current = await inspectSpec(id);
    const next = parse({ ...asTheEngineKeepsIt(input), env: [], mode: { kind: "replicated", replicas: 2 } });
    await engine.getService(id).update({ ...toServiceUpdate(current.spec, next).body, version: current.version });

    const after = await inspectSpec(id);
    const read = serviceSpecOf(after.spec);
    expect(serviceSpec.parse(read.spec)).toEqual(next);
    expect(read.dropped).toEqual(["placement constraints and preferences", "update and rollback settings"]);
    const task = after.spec.TaskTemplate as Record<string, unknown>;
    expect(task.Placement).toEqual({ Constraints: ["node.role==manager"] });
    expect((after.spec as Record<string, unknown>).UpdateConfig).toMatchObject({ Parallelism: 2, Order: "stop-first" });
  });

  it("`docker service create` with the kit's words makes the same service", async () => {
    const input = full(`${stamp}-cli`, `${stamp}-net`);
    const line = serviceCreateCli(parse(input));
    // The line is for a shell; run it in one, against the test bed's manager.
    await promisify(execFile)("sh", ["-c", line.replace(/^docker service create /, "docker service create -d ")], {
      env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}`, DOCKER_API_VERSION: "1.41" },
    });
    const listed = await engine.listServices({ filters: { name: [`${stamp}-cli`] } });
    expect(listed).toHaveLength(1);
    const back = serviceSpecOf((await inspectSpec(listed[0]!.ID)).spec);
    expect(back.dropped).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(parse(asTheEngineKeepsIt(input)));
  });
});
