// The service side of the kit on a real swarm manager: the ServiceSpec the sections write is
// one the engine takes, `docker service inspect` reads back into the same spec, an update
// changes what the spec models and keeps what it does not, and `docker service create` with
// the words the kit writes makes the same service.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { updateServiceRaw } from "../testing/service-update";
import { need } from "../testing/testbed-env";
import type { ServiceSpecJson } from "./section";
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
let secretId = "";

beforeAll(async () => {
  const network = await engine.createNetwork({ Name: `${stamp}-net`, Driver: "overlay", Labels: LABEL });
  networkId = network.id;
  const secret = (await engine.createSecret({
    Name: `${stamp}-secret`,
    Data: Buffer.from("s3cret").toString("base64"),
    Labels: LABEL,
  })) as { id: string };
  secretId = secret.id;
});

afterAll(async () => {
  const services = await engine.listServices({ filters: { label: [`stevedore.test=${stamp}`] } });
  await Promise.all(services.map((s) => engine.getService(s.ID).remove()));
  if (secretId) await engine.getSecret(secretId).remove();
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
  restartPolicy: { condition: "on-failure", maxAttempts: 5, delaySeconds: 2 },
  ports: [{ containerPort: 53, protocol: "udp", publishMode: "host" }],
  volumes: [{ source: `${stamp}-data`, target: "/data", readOnly: true }],
  tmpfs: [{ target: "/run", sizeBytes: 64 * 1024 * 1024 }],
  networks: [{ name: network, aliases: ["api"] }],
  resources: { limits: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pids: 100 }, reservations: { cpus: 0.1 } },
  placement: { constraints: ["node.role==manager"], preferences: ["node.labels.zone"] },
  updateConfig: { parallelism: 2, delaySeconds: 90, order: "start-first" },
  secrets: [{ name: `${stamp}-secret`, target: "pw", mode: 0o400 }],
  stopGracePeriodSeconds: 30,
  user: "1000",
  workingDir: "/srv",
  hostname: "web",
  healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 10, retries: 3 },
});

/** The IDs the engine knows the test's network and secret by. */
const refs = () => ({
  network: (name: string) => (name === `${stamp}-net` ? networkId : name),
  secret: (name: string) => (name === `${stamp}-secret` ? secretId : name),
  config: (name: string) => name,
});

async function inspectSpec(id: string): Promise<{ spec: ServiceSpecJson; version: number }> {
  const info = (await engine.getService(id).inspect()) as { Spec: ServiceSpecJson; Version: { Index: number } };
  return { spec: info.Spec, version: info.Version.Index };
}

/**
 * The engine stores a rollout's failure action, order and failure ratio as enums, so they come
 * back set to their defaults when not given; the CLI also writes its default monitor period.
 */
const asTheEngineKeepsIt = (input: ServiceSpecInput, { cli = false } = {}): ServiceSpecInput => ({
  ...input,
  updateConfig: {
    failureAction: "pause",
    order: "stop-first",
    maxFailureRatio: 0,
    ...(cli ? { monitorSeconds: 5 } : {}),
    ...input.updateConfig,
  },
});

/** The network's ID, read back as its name (as the swarm module reads it). */
const networkName = (id: string) => (id === networkId ? `${stamp}-net` : id);

describe("a swarm manager takes the ServiceSpec and gives the same spec back", () => {
  it("created from the kit's ServiceSpec, inspect reads back into the spec", async () => {
    const input = full(`${stamp}-api`, `${stamp}-net`);
    const created = (await engine.createService(toServiceSpec(parse(input), refs()))) as { id?: string; ID?: string };
    const id = created.id ?? created.ID ?? "";
    const back = serviceSpecOf((await inspectSpec(id)).spec, networkName);
    expect(back.kept).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(parse(asTheEngineKeepsIt(input)));
  });

  it("an update changes what the spec models and keeps what it does not", async () => {
    const input = full(`${stamp}-upd`, `${stamp}-net`);
    const body = toServiceSpec(parse(input), refs()) as Record<string, Record<string, unknown>>;
    body.TaskTemplate!.LogDriver = { Name: "json-file", Options: { "max-size": "1m" } };
    (body.TaskTemplate!.ContainerSpec as Record<string, unknown>).ReadOnly = true;
    const created = (await engine.createService(body)) as { id?: string; ID?: string };
    const id = created.id ?? created.ID ?? "";

    const next = parse({
      ...input,
      env: [],
      mode: { kind: "replicated", replicas: 2 },
      placement: undefined,
      updateConfig: { parallelism: 1 },
    });
    await updateServiceRaw(engine, id, (spec) => toServiceUpdate(spec, next, refs()));

    const after = await inspectSpec(id);
    const read = serviceSpecOf(after.spec, networkName);
    expect(serviceSpec.parse(read.spec)).toEqual(parse(asTheEngineKeepsIt(next)));
    expect(read.kept).toEqual(["a read-only root filesystem", "a log driver"]);
    const task = after.spec.TaskTemplate as Record<string, unknown>;
    expect(task.LogDriver).toEqual({ Name: "json-file", Options: { "max-size": "1m" } });
    expect(task).not.toHaveProperty("Placement.Constraints");
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
    const back = serviceSpecOf((await inspectSpec(listed[0]!.ID)).spec, networkName);
    expect(back.kept).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(parse(asTheEngineKeepsIt(input, { cli: true })));
  });
});
