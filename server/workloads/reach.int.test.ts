// The existing-workload rule's judgement on a real engine: an existing container is judged as
// the create payload it amounts to (its inspect, minus what the engine fills in by default).
// A container made from any plain spec reaches nothing; each kind of host access is found,
// and an engine's socket needs the socket permission besides.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Fleet } from "../docker/index";
import { need } from "../testing/testbed-env";
import { containerSpec, toCreatePayload } from "./container-spec";
import type { FactSources } from "./facts";
import { hostReachOf } from "./reach";

const testbed = inject("testbed");
const IMAGE = need(testbed, "TESTBED_FIXTURE_IMAGE");
const SOCKET = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath: SOCKET, version: "v1.41" });
const stamp = `reach-${Date.now()}`;
const ENV = "standalone";
let fleet: Fleet;
let sources: FactSources;
let serial = 0;

beforeAll(() => {
  fleet = new Fleet({ watch: false });
  fleet.add({ id: ENV, name: ENV, url: `unix://${SOCKET}` });
  sources = { fleet, endpointOf: () => Promise.resolve(`unix://${SOCKET}`) };
});

afterAll(async () => {
  const left = await engine.listContainers({ all: true, filters: { label: [`stevedore.test=${stamp}`] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true })));
  const volumes = (await engine.listVolumes()).Volumes ?? [];
  await Promise.all(
    volumes
      .filter((v) => v.Name.startsWith(stamp))
      .map((v) =>
        engine
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined),
      ),
  );
  fleet?.close();
});

async function make(options: Partial<Docker.ContainerCreateOptions>): Promise<string> {
  const container = await engine.createContainer({
    Image: IMAGE,
    Cmd: ["sleep", "600"],
    name: `${stamp}-${++serial}`,
    ...options,
    Labels: { ...(options.Labels ?? {}), "stevedore.test": stamp },
  });
  return container.id;
}

const reach = async (id: string) =>
  (await hostReachOf(sources, ENV, id)).violations.map((v) => `${v.field} ${v.permission}`);

describe("an existing container reaches the host exactly when creating it would need host access", () => {
  it("a container from a plain spec with every plain section reaches nothing", async () => {
    const spec = containerSpec.parse({
      image: IMAGE,
      command: ["sleep", "600"],
      env: [{ name: "MODE", value: "prod" }],
      labels: { team: "ops" },
      restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
      ports: [{ containerPort: 80, hostPort: 0 + 31_000 + (Date.now() % 1000) }],
      volumes: [{ source: `${stamp}-data`, target: "/data", readOnly: true }],
      tmpfs: [{ target: "/run", sizeBytes: 64 * 1024 * 1024 }],
      networks: [{ name: "bridge" }],
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pidsLimit: 64 },
      user: "1000",
      workingDir: "/tmp",
      hostname: "plain",
      healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 30 },
    });
    const { body } = toCreatePayload(spec);
    expect(await reach(await make(body as Docker.ContainerCreateOptions))).toEqual([]);
  });

  it("nor does a bare docker run, stopped or running", async () => {
    const id = await make({});
    expect(await reach(id)).toEqual([]);
    await engine.getContainer(id).start();
    expect(await reach(id)).toEqual([]);
  });

  it.each<[string, Partial<Docker.ContainerCreateOptions>, string[]]>([
    [
      "a host folder",
      { HostConfig: { Binds: ["/etc:/host-etc:ro"] } },
      ["HostConfig.Binds[0] container.create.privileged"],
    ],
    [
      "a host folder through Mounts",
      { HostConfig: { Mounts: [{ Type: "bind", Source: "/etc", Target: "/e", ReadOnly: true }] } },
      ["HostConfig.Mounts[0] container.create.privileged"],
    ],
    // The engine turns SELinux labelling off for these itself (SecurityOpt label=disable).
    [
      "privileged mode",
      { HostConfig: { Privileged: true } },
      ["HostConfig.Privileged container.create.privileged", "HostConfig.SecurityOpt[0] container.create.privileged"],
    ],
    [
      "the host's network",
      { HostConfig: { NetworkMode: "host" } },
      [
        "HostConfig.NetworkMode container.create.privileged",
        "NetworkingConfig.EndpointsConfig.host container.create.privileged",
      ],
    ],
    [
      "the host's pids",
      { HostConfig: { PidMode: "host" } },
      ["HostConfig.PidMode container.create.privileged", "HostConfig.SecurityOpt[0] container.create.privileged"],
    ],
    ["a capability", { HostConfig: { CapAdd: ["NET_ADMIN"] } }, ["HostConfig.CapAdd container.create.privileged"]],
    [
      "an unsized tmpfs",
      { HostConfig: { Tmpfs: { "/big": "" } } },
      ["HostConfig.Tmpfs./big container.create.privileged"],
    ],
    [
      "the engine's own socket",
      { HostConfig: { Binds: [`${SOCKET}:/engine.sock`] } },
      ["HostConfig.Binds[0] container.create.privileged", "HostConfig.Binds[0] container.create.docker-socket"],
    ],
  ])("%s", async (_what, options, expected) => {
    expect(await reach(await make(options))).toEqual(expected);
  });

  it("a named volume that binds a socket folder, and a container that takes another's mounts", async () => {
    const volume = `${stamp}-run`;
    await engine.createVolume({
      Name: volume,
      Driver: "local",
      DriverOpts: { type: "none", o: "bind", device: "/run" },
    });
    const bound = await make({ HostConfig: { Binds: [`${volume}:/r`] } });
    expect(await reach(bound)).toEqual([
      "HostConfig.Binds[0] container.create.privileged",
      "HostConfig.Binds[0] container.create.docker-socket",
    ]);
    const taker = await make({ HostConfig: { VolumesFrom: [bound] } });
    expect(await reach(taker)).toEqual([
      "HostConfig.VolumesFrom[0] container.create.privileged",
      "HostConfig.VolumesFrom[0] container.create.docker-socket",
    ]);
  });
});
