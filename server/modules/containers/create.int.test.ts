// Creating, updating and duplicating containers through the API on real engines: the
// standalone host and a swarm worker reached through its own endpoint. An Operator creates
// plain containers; host access (privileged, bind mounts through Binds or Mounts, the host's
// network, the Docker socket, an unknown Engine field) is refused as FORBIDDEN naming the
// fields and the permission, nothing reaches the engine, and the refusal is on the record.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../../testing/testbed-env";
import { openHarness, type Harness } from "../../testing/harness";
import { codeOf } from "../../testing/calls";
import { waitUntil } from "../../testing/wait-until";
import type { Actor } from "../../core/context";
import type { ContainerSpecInput } from "../../containers/spec";
import { shellQuote } from "../../workloads/cli";

const testbed = inject("testbed");
const IMAGE = need(testbed, "TESTBED_FIXTURE_IMAGE");
const LABEL = "container-create";
let h: Harness;
let admin: Actor;
let operator: Actor;

const engines = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  "swarm worker": need(testbed, "TESTBED_SWARM_WORKER1_SOCKET"),
};
type Kind = keyof typeof engines;
const environmentIds = {} as Record<Kind, string>;
const dockerOf = (kind: Kind) => new Docker({ socketPath: engines[kind], version: "v1.41" });
const stamp = `${Date.now()}-${Math.floor(Math.random() * 1000)}`;
let serial = 0;
const unique = (what: string) => `cc-${what}-${stamp}-${++serial}`;
const freeishPort = () => 20_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "create-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "create-operator")).id);
  for (const [name, socket] of Object.entries(engines)) {
    environmentIds[name as Kind] = (await h.caller(admin).environments.create({ name, url: `unix://${socket}` })).id;
  }
});

afterAll(async () => {
  for (const kind of Object.keys(engines) as Kind[]) {
    const docker = dockerOf(kind);
    const left = await docker.listContainers({ all: true, filters: { label: [`stevedore.test=${LABEL}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    const volumes = await docker.listVolumes({ filters: { name: [`cc-`] } });
    await Promise.all(
      (volumes.Volumes ?? [])
        .filter((v) => v.Name.includes(stamp))
        .map((v) =>
          docker
            .getVolume(v.Name)
            .remove()
            .catch(() => undefined),
        ),
    );
  }
  await h?.close();
});

function plainSpec(extra: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    image: IMAGE,
    name: unique("c"),
    command: ["sleep", "600"],
    labels: { "stevedore.test": LABEL },
    ...extra,
  };
}

describe.each(Object.keys(engines) as Kind[])("on the %s", (kind) => {
  it("an Operator creates a container with a port and a named volume; it runs and shows in the live list", async () => {
    const environmentId = environmentIds[kind];
    const hostPort = freeishPort();
    const volume = unique("vol");
    const spec = plainSpec({
      ports: [{ containerPort: 8080, hostPort }],
      volumes: [{ source: volume, target: "/data" }],
      env: [{ name: "MODE", value: "prod" }],
      restartPolicy: { name: "on-failure", maximumRetryCount: 2 },
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pidsLimit: 64 },
      healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 30 },
    });
    const created = await h.caller(operator).containers.create({ environmentId, spec });
    expect(created.name).toBe(spec.name);
    // The line names the environment as a docker context, as the page shows it.
    expect(created.cli).toBe(
      `docker --context ${shellQuote(kind)} run -d --name ${spec.name} --restart on-failure:2 -p ${hostPort}:8080 -v ${volume}:/data -e MODE=prod ` +
        `-l stevedore.test=${LABEL} --memory 64m --cpus 0.5 --pids-limit 64 --health-cmd true --health-interval 30s ` +
        `${IMAGE} sleep 600`,
    );

    const info = await dockerOf(kind).getContainer(created.id).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "", HostPort: String(hostPort) }] });
    expect(info.Mounts).toEqual([expect.objectContaining({ Type: "volume", Name: volume, Destination: "/data" })]);
    expect(info.HostConfig.RestartPolicy).toEqual({ Name: "on-failure", MaximumRetryCount: 2 });
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.Config.Env).toContain("MODE=prod");

    // The fleet's watcher brings it into the live list by itself.
    const row = await waitUntil(
      async () => {
        const list = await h.caller(operator).containers.list({ environmentIds: [environmentId] });
        return list.items.find((c) => c.id === created.id && c.state === "running");
      },
      { ms: 10_000 },
    );
    expect(row.name).toBe(spec.name);

    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "containers.create", actorUserId: operator.userId, targetId: created.id },
    });
    expect(event).toMatchObject({ outcome: "ok", environmentId, targetKind: "container", targetName: spec.name });
  });

  it("a new memory limit keeps unlimited swap unlimited", async () => {
    const environmentId = environmentIds[kind];
    const created = await dockerOf(kind).createContainer({
      name: unique("swap"),
      Image: IMAGE,
      Cmd: ["sleep", "600"],
      Labels: { "stevedore.test": LABEL },
      HostConfig: { Memory: 64 * 1024 * 1024, MemorySwap: -1 },
    });
    const before = (await created.inspect()).HostConfig.MemorySwap;
    const result = await h.caller(operator).containers.update({
      environmentId,
      id: created.id,
      memoryBytes: 96 * 1024 * 1024,
    });
    expect(result.cli).toContain("--memory-swap -1");
    const after = (await created.inspect()).HostConfig;
    expect(after.Memory).toBe(96 * 1024 * 1024);
    expect(after.MemorySwap).toBe(before);
  });

  it("updates the restart policy and memory, answering with the docker command", async () => {
    const environmentId = environmentIds[kind];
    const plain = plainSpec();
    const { id } = await h.caller(operator).containers.create({ environmentId, spec: plain });
    const result = await h.caller(operator).containers.update({
      environmentId,
      id,
      restartPolicy: { name: "unless-stopped" },
      memoryBytes: 96 * 1024 * 1024,
      cpus: 0.25,
      pidsLimit: 100,
    });
    expect(result.cli).toBe(
      `docker --context ${shellQuote(kind)} container update --restart unless-stopped --memory 96m --memory-swap 192m --cpus 0.25 --pids-limit 100 ${plain.name}`,
    );
    const info = await dockerOf(kind).getContainer(id).inspect();
    expect(info.HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
    expect(info.HostConfig.Memory).toBe(96 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(250_000_000);
    expect(info.HostConfig.PidsLimit).toBe(100);

    // A Read-only user may not.
    const reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }])).id);
    expect(await codeOf(h.caller(reader).containers.update({ environmentId, id, restartPolicy: { name: "no" } }))).toBe(
      "FORBIDDEN",
    );
    expect((await dockerOf(kind).getContainer(id).inspect()).HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
  });

  it("duplicates a container: its spec without secret values, created again with the source's values", async () => {
    const environmentId = environmentIds[kind];
    const docker = dockerOf(kind);
    const volume = unique("dup");
    const source = await docker.createContainer({
      Image: IMAGE,
      name: unique("source"),
      Cmd: ["sleep", "600"],
      Env: ["DB_PASSWORD=hunter2-dup", "MODE=prod"],
      Labels: { "stevedore.test": LABEL, team: "ops" },
      ExposedPorts: { "9000/tcp": {} },
      HostConfig: {
        PortBindings: { "9000/tcp": [{ HostPort: "" }] },
        Mounts: [{ Type: "volume", Source: volume, Target: "/data" }],
        RestartPolicy: { Name: "always" },
        Memory: 32 * 1024 * 1024,
      },
    });
    await source.start();

    // An Operator may not see secrets: the value stays on the server.
    const copy = await h.caller(operator).containers.specOf({ environmentId, id: source.id });
    expect(JSON.stringify(copy)).not.toContain("hunter2-dup");
    expect(copy.kept).toEqual(["DB_PASSWORD"]);
    expect(copy.spec.env).toEqual([
      { name: "DB_PASSWORD", fromSource: true },
      { name: "MODE", value: "prod" },
    ]);
    expect(copy.spec).toMatchObject({
      image: IMAGE,
      command: ["sleep", "600"],
      labels: { "stevedore.test": LABEL, team: "ops" },
      ports: [{ containerPort: 9000, protocol: "tcp" }],
      volumes: [{ source: volume, target: "/data", readOnly: false }],
      restartPolicy: { name: "always" },
      resources: { memoryBytes: 32 * 1024 * 1024 },
      source: { environmentId, containerId: source.id },
    });
    expect(copy.spec.hostAccess).toBeUndefined();
    expect(copy.spec.labels).not.toHaveProperty("org.opencontainers.image.title"); // the image's own

    // Edit and create: the kept value is resolved on the server.
    const name = unique("copy");
    const created = await h.caller(operator).containers.create({
      environmentId,
      spec: { ...copy.spec, name, env: [...(copy.spec.env ?? []), { name: "EXTRA", value: "1" }] },
    });
    expect(created.cli).toContain(`-e DB_PASSWORD="$DB_PASSWORD"`);
    expect(created.cli).not.toContain("hunter2-dup");
    const info = await docker.getContainer(created.id).inspect();
    expect(info.Config.Env).toEqual(expect.arrayContaining(["DB_PASSWORD=hunter2-dup", "MODE=prod", "EXTRA=1"]));
    expect(info.Mounts).toEqual([expect.objectContaining({ Name: volume, Destination: "/data" })]);
    expect(info.HostConfig.RestartPolicy?.Name).toBe("always");
    // The audit record has no value either.
    const event = await h.prisma.auditEvent.findFirst({ where: { action: "containers.create", targetId: created.id } });
    expect(JSON.stringify(event?.params)).not.toContain("hunter2-dup");

    // An administrator (container.inspect.secrets) gets the value itself.
    const full = await h.caller(admin).containers.specOf({ environmentId, id: source.id });
    expect(full.spec.env).toContainEqual({ name: "DB_PASSWORD", value: "hunter2-dup" });
    expect(full.kept).toEqual([]);

    // Keeping a value needs container.read on the source: a creator without it is refused.
    const creatorOnly = await h.makeRole(["container.create"]);
    const creator = await h.actorFor((await h.makeUser([{ role: creatorOnly.name }])).id);
    const before = (await docker.listContainers({ all: true })).length;
    expect(
      await codeOf(
        h.caller(creator).containers.create({ environmentId, spec: { ...copy.spec, name: unique("nope") } }),
      ),
    ).toBe("FORBIDDEN");
    expect((await docker.listContainers({ all: true })).length).toBe(before);

    // Nor one who may read the container but could not learn its secrets otherwise: a copy
    // that prints them would disclose them (no container.inspect.secrets, no console).
    const readerCreator = await h.makeRole(["container.read", "container.create", "container.logs"]);
    const copier = await h.actorFor((await h.makeUser([{ role: readerCreator.name }])).id);
    const refusal = h.caller(copier).containers.create({
      environmentId,
      spec: { ...copy.spec, name: unique("leak"), command: ["env"] },
    });
    expect(await codeOf(refusal)).toBe("FORBIDDEN");
    expect((await docker.listContainers({ all: true })).length).toBe(before);
  });
});

describe("host access through the API, as an Operator (container.create, not privileged)", () => {
  const refusals: [string, Partial<ContainerSpecInput>, string[], string][] = [
    ["privileged", { hostAccess: { privileged: true } }, ["HostConfig.Privileged"], "container.create.privileged"],
    [
      "a bind mount via Binds",
      { hostAccess: { binds: ["/etc:/host-etc:ro"] } },
      ["HostConfig.Binds[0]"],
      "container.create.privileged",
    ],
    [
      "a bind mount via Mounts",
      { hostAccess: { bindMounts: [{ source: "/srv", target: "/srv" }] } },
      ["HostConfig.Mounts[0]"],
      "container.create.privileged",
    ],
    [
      "the host network",
      { hostAccess: { networkMode: "host" } },
      ["HostConfig.NetworkMode"],
      "container.create.privileged",
    ],
    [
      "the Docker socket",
      { hostAccess: { binds: ["/var/run/docker.sock:/var/run/docker.sock"] } },
      ["HostConfig.Binds[0]"],
      "container.create.docker-socket",
    ],
    [
      "an unknown Engine field",
      { hostAccess: { raw: { HostConfig: { CgroupParent: "/" } } } },
      ["HostConfig.CgroupParent"],
      "container.create.privileged",
    ],
    [
      "several at once, every one named",
      {
        hostAccess: { privileged: true, capAdd: ["SYS_ADMIN"], pidMode: "host", volumesFrom: ["x"] },
        tmpfs: [{ target: "/big" }],
      },
      [
        "HostConfig.Privileged",
        "HostConfig.CapAdd",
        "HostConfig.PidMode",
        "HostConfig.VolumesFrom[0]",
        "HostConfig.Mounts[0].TmpfsOptions.SizeBytes",
      ],
      "container.create.privileged",
    ],
  ];

  it.each(refusals)(
    "%s: FORBIDDEN naming the fields, nothing created, a denied event",
    async (_what, extra, fields, permission) => {
      const environmentId = environmentIds.standalone;
      const docker = dockerOf("standalone");
      const spec = plainSpec(extra);
      const before = await docker.listContainers({ all: true });
      let message = "";
      try {
        await h.caller(operator).containers.create({ environmentId, spec });
        expect.unreachable("the create should have been refused");
      } catch (error) {
        expect(error).toMatchObject({ code: "FORBIDDEN" });
        message = (error as Error).message;
      }
      for (const field of fields) expect(message).toContain(field);
      expect(message).toContain(permission);
      const after = await docker.listContainers({ all: true });
      expect(after.map((c) => c.Id).sort()).toEqual(before.map((c) => c.Id).sort());
      expect(after.some((c) => c.Names.includes(`/${spec.name}`))).toBe(false);
      const event = await h.prisma.auditEvent.findFirst({
        where: { action: "containers.create", actorUserId: operator.userId, targetName: spec.name },
      });
      expect(event).toMatchObject({ outcome: "denied", permission: "container.create", environmentId });
      expect(event?.error).toContain(fields[0]!);

      // The form's check says the same, field by field.
      const check = await h.caller(operator).containers.check({ environmentId, spec });
      expect(check.violations.map((v) => v.field)).toEqual(expect.arrayContaining(fields));
    },
  );

  it("an unknown key in the spec itself is refused by the closed schema (BAD_REQUEST), nothing created", async () => {
    const docker = dockerOf("standalone");
    const before = (await docker.listContainers({ all: true })).length;
    const spec = { ...plainSpec(), Privileged: true } as ContainerSpecInput;
    expect(await codeOf(h.caller(operator).containers.create({ environmentId: environmentIds.standalone, spec }))).toBe(
      "BAD_REQUEST",
    );
    const nested = plainSpec({ hostAccess: { privileged: true, superPowers: true } as never });
    expect(
      await codeOf(h.caller(admin).containers.create({ environmentId: environmentIds.standalone, spec: nested })),
    ).toBe("BAD_REQUEST");
    expect((await docker.listContainers({ all: true })).length).toBe(before);
  });

  it("host access is allowed with container.create.privileged, but the Docker socket still is not", async () => {
    const role = await h.makeRole(["container.create", "container.create.privileged", "container.read"]);
    const privileged = await h.actorFor((await h.makeUser([{ role: role.name }])).id);
    const environmentId = environmentIds.standalone;
    const created = await h.caller(privileged).containers.create({
      environmentId,
      spec: plainSpec({ hostAccess: { bindMounts: [{ source: "/etc", target: "/host-etc", readOnly: true }] } }),
    });
    const info = await dockerOf("standalone").getContainer(created.id).inspect();
    expect(info.Mounts).toEqual([expect.objectContaining({ Type: "bind", Source: "/etc", RW: false })]);

    // The engine's own socket (its unix endpoint), and a folder holding it, need the socket permission.
    const socket = engines.standalone;
    for (const binds of [[`${socket}:/engine.sock`], [`${socket.replace(/\/[^/]+$/, "")}:/engine`], ["/run:/r"]]) {
      const spec = plainSpec({ hostAccess: { binds } });
      await expect(h.caller(privileged).containers.create({ environmentId, spec })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringMatching(/container\.create\.docker-socket.*HostConfig\.Binds\[0\]/) as string,
      });
    }
    // …and an existing volume that binds the socket's folder is a bind mount of it.
    const bound = unique("sockvol");
    await dockerOf("standalone").createVolume({
      Name: bound,
      Driver: "local",
      DriverOpts: { type: "none", o: "bind", device: "/run" },
    });
    const check = await h.caller(operator).containers.check({
      environmentId,
      spec: plainSpec({ volumes: [{ source: bound, target: "/r" }] }),
    });
    expect(check.violations.map((v) => [v.field, v.permission, v.specField])).toEqual([
      ["HostConfig.Mounts[0].Source", "container.create.privileged", "volumes.0"],
      ["HostConfig.Mounts[0].Source", "container.create.docker-socket", "volumes.0"],
    ]);
  });
});

describe("what the form needs", () => {
  it("offers image tags, networks and volumes of one host to whoever may create there", async () => {
    const options = await h.caller(operator).containers.createOptions({ environmentId: environmentIds.standalone });
    expect(options.images).toContain(IMAGE);
    expect(options.networks.map((n) => n.name)).toEqual(expect.arrayContaining(["bridge", "host", "none"]));
    const reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }])).id);
    expect(await codeOf(h.caller(reader).containers.createOptions({ environmentId: environmentIds.standalone }))).toBe(
      "FORBIDDEN",
    );
  });
});
