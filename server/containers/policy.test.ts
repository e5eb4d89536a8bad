// The workload policy, field by field: every plain field passes with a plain value, every
// field that escapes the container needs container.create.privileged (and names itself), a
// Docker socket needs container.create.docker-socket as well, and a key nobody listed is
// refused. Also: the spec's payload goes through the same function.
import { describe, expect, it } from "vitest";
import {
  checkWorkload,
  describeViolations,
  DOCKER_SOCKET,
  exposesEngineSocket,
  normalizeHostPath,
  PRIVILEGED,
  referencesOf,
  workloadViolations,
  type Grants,
  type WorkloadFacts,
} from "./policy";
import { containerSpec, toCreatePayload, toUpdateBody, updateSpec, type ContainerSpecInput } from "./spec";

const none: Grants = { privileged: false, dockerSocket: false };
const privileged: Grants = { privileged: true, dockerSocket: false };
const everything: Grants = { privileged: true, dockerSocket: true };

const create = (body: Record<string, unknown>) => ({ kind: "create" as const, body });
const host = (hostConfig: Record<string, unknown>) => create({ Image: "busybox", HostConfig: hostConfig });
const fields = (body: Record<string, unknown>, grants = none, facts?: WorkloadFacts) =>
  checkWorkload(create(body), grants, facts).map((v) => v.field);
const hostFields = (hostConfig: Record<string, unknown>, grants = none, facts?: WorkloadFacts) =>
  checkWorkload(host(hostConfig), grants, facts).map((v) => v.field);

describe("plain fields pass with plain values", () => {
  it("a full plain create body has no violation", () => {
    const body = {
      Image: "registry.example/app:1.2",
      Cmd: ["sleep", "60"],
      Entrypoint: ["/bin/sh", "-c"],
      Env: ["MODE=prod", "EMPTY=", "BARE"],
      Labels: { team: "ops" },
      User: "1000:1000",
      WorkingDir: "/srv",
      Hostname: "web",
      Domainname: "example",
      ExposedPorts: { "80/tcp": {}, "53/udp": {} },
      Volumes: { "/cache": {} },
      Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 1e9, Timeout: 1e9, Retries: 3, StartPeriod: 0 },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      NetworkDisabled: false,
      StopSignal: "SIGTERM",
      StopTimeout: 10,
      HostConfig: {
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
        AutoRemove: false,
        PortBindings: {
          "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
          "53/udp": [{ HostIp: "", HostPort: "" }],
        },
        PublishAllPorts: false,
        Memory: 64 * 1024 * 1024,
        MemoryReservation: 0,
        MemorySwap: -1,
        NanoCpus: 500_000_000,
        CpuShares: 512,
        CpuPeriod: 100000,
        CpuQuota: 50000,
        CpusetCpus: "0-1",
        CpusetMems: "0",
        PidsLimit: 100,
        BlkioWeight: 500,
        ShmSize: 67108864,
        ReadonlyRootfs: true,
        Init: true,
        CapDrop: ["NET_RAW"],
        ExtraHosts: ["db:10.0.0.2"],
        Dns: ["1.1.1.1"],
        DnsOptions: ["ndots:1"],
        DnsSearch: ["example"],
        Mounts: [
          { Type: "volume", Source: "data", Target: "/data", ReadOnly: false },
          { Type: "volume", Source: "", Target: "/anon" },
          {
            Type: "volume",
            Source: "cfg",
            Target: "/cfg",
            ReadOnly: true,
            VolumeOptions: { NoCopy: true, Labels: { a: "b" } },
          },
          {
            Type: "volume",
            Source: "plainlocal",
            Target: "/pl",
            VolumeOptions: { DriverConfig: { Name: "local", Options: {} } },
          },
          { Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o1777 } },
        ],
        Binds: ["data2:/data2", "data3:/data3:ro", "/anon2"],
        Tmpfs: { "/tmp": "size=64m,mode=1777,noexec" },
        VolumeDriver: "local",
        VolumesFrom: [],
        NetworkMode: "backend",
        PidMode: "",
        IpcMode: "shareable",
        UTSMode: "",
        UsernsMode: "",
        CgroupnsMode: "private",
        Privileged: false,
        CapAdd: [],
        Devices: [],
        DeviceRequests: [],
        DeviceCgroupRules: [],
        SecurityOpt: ["no-new-privileges", "no-new-privileges:true"],
        Sysctls: {},
        Runtime: "",
        OomKillDisable: false,
        Isolation: "",
      },
      NetworkingConfig: {
        EndpointsConfig: { backend: { Aliases: ["web"], IPAMConfig: { IPv4Address: "10.5.0.9" } } },
      },
    };
    expect(workloadViolations(create(body))).toEqual([]);
  });

  it("absent and null values are plain", () => {
    expect(hostFields({ Privileged: null, CapAdd: null, Devices: null, Sysctls: null, NetworkMode: null })).toEqual([]);
  });

  it.each(["default", "bridge", "none", "my-net"])("network mode %s is plain", (mode) => {
    expect(hostFields({ NetworkMode: mode })).toEqual([]);
  });

  it.each(["", "private", "shareable", "none"])("IPC mode %j is plain", (mode) => {
    expect(hostFields({ IpcMode: mode })).toEqual([]);
  });

  it("an update body of resources and restart policy is plain", () => {
    const body = toUpdateBody(
      updateSpec.parse({ restartPolicy: { name: "always" }, memoryBytes: 128 << 20, cpus: 1.5, pidsLimit: 0 }),
    );
    expect(checkWorkload({ kind: "update", body }, none)).toEqual([]);
    expect(body).toEqual({
      RestartPolicy: { Name: "always" },
      Memory: 128 << 20,
      MemorySwap: 256 << 20,
      NanoCpus: 1_500_000_000,
      PidsLimit: -1,
    });
  });
});

describe("host access needs container.create.privileged, each naming its field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["privileged", { Privileged: true }, "HostConfig.Privileged"],
    ["a capability", { CapAdd: ["SYS_ADMIN"] }, "HostConfig.CapAdd"],
    [
      "a device",
      { Devices: [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }] },
      "HostConfig.Devices[0]",
    ],
    [
      "a device request (GPU)",
      { DeviceRequests: [{ Count: -1, Capabilities: [["gpu"]] }] },
      "HostConfig.DeviceRequests",
    ],
    ["device cgroup rules", { DeviceCgroupRules: ["c 1:3 mr"] }, "HostConfig.DeviceCgroupRules"],
    ["the host's pid namespace", { PidMode: "host" }, "HostConfig.PidMode"],
    ["another container's pid namespace", { PidMode: "container:abc" }, "HostConfig.PidMode"],
    ["the host's ipc namespace", { IpcMode: "host" }, "HostConfig.IpcMode"],
    ["another container's ipc namespace", { IpcMode: "container:abc" }, "HostConfig.IpcMode"],
    ["the host's network", { NetworkMode: "host" }, "HostConfig.NetworkMode"],
    ["another container's network", { NetworkMode: "container:abc" }, "HostConfig.NetworkMode"],
    ["the host's uts namespace", { UTSMode: "host" }, "HostConfig.UTSMode"],
    ["the host's user namespace", { UsernsMode: "host" }, "HostConfig.UsernsMode"],
    ["the host's cgroup namespace", { CgroupnsMode: "host" }, "HostConfig.CgroupnsMode"],
    ["seccomp unconfined", { SecurityOpt: ["seccomp=unconfined"] }, "HostConfig.SecurityOpt[0]"],
    ["apparmor unconfined", { SecurityOpt: ["no-new-privileges", "apparmor=unconfined"] }, "HostConfig.SecurityOpt[1]"],
    ["label disable", { SecurityOpt: ["label=disable"] }, "HostConfig.SecurityOpt[0]"],
    ["systempaths unconfined", { SecurityOpt: ["systempaths=unconfined"] }, "HostConfig.SecurityOpt[0]"],
    ["sysctls", { Sysctls: { "net.ipv4.ip_forward": "1" } }, "HostConfig.Sysctls"],
    ["a runtime", { Runtime: "runsc" }, "HostConfig.Runtime"],
    ["a bind mount in Binds", { Binds: ["/etc:/host-etc:ro"] }, "HostConfig.Binds[0]"],
    ["a bind mount in Mounts", { Mounts: [{ Type: "bind", Source: "/srv", Target: "/srv" }] }, "HostConfig.Mounts[0]"],
    [
      "a volume with local driver options binding a host path",
      {
        Mounts: [
          {
            Type: "volume",
            Source: "v",
            Target: "/v",
            VolumeOptions: { DriverConfig: { Name: "local", Options: { type: "none", o: "bind", device: "/srv" } } },
          },
        ],
      },
      "HostConfig.Mounts[0].VolumeOptions.DriverConfig.Options",
    ],
    [
      "a volume with another driver",
      { Mounts: [{ Type: "volume", Source: "v", Target: "/v", VolumeOptions: { DriverConfig: { Name: "sshfs" } } }] },
      "HostConfig.Mounts[0].VolumeOptions.DriverConfig.Name",
    ],
    ["HostConfig.VolumeDriver", { VolumeDriver: "rexray" }, "HostConfig.VolumeDriver"],
    ["VolumesFrom", { VolumesFrom: ["other:ro"] }, "HostConfig.VolumesFrom[0]"],
    [
      "an unbounded tmpfs mount",
      { Mounts: [{ Type: "tmpfs", Target: "/big" }] },
      "HostConfig.Mounts[0].TmpfsOptions.SizeBytes",
    ],
    [
      "a tmpfs mount of size 0",
      { Mounts: [{ Type: "tmpfs", Target: "/big", TmpfsOptions: { SizeBytes: 0 } }] },
      "HostConfig.Mounts[0].TmpfsOptions.SizeBytes",
    ],
    ["an unbounded HostConfig.Tmpfs", { Tmpfs: { "/big": "mode=1777" } }, "HostConfig.Tmpfs./big"],
    ["an npipe mount", { Mounts: [{ Type: "npipe", Source: "x", Target: "/x" }] }, "HostConfig.Mounts[0].Type"],
    [
      "bind options on a volume mount",
      { Mounts: [{ Type: "volume", Source: "v", Target: "/v", BindOptions: { Propagation: "rshared" } }] },
      "HostConfig.Mounts[0].BindOptions",
    ],
    ["SELinux relabel on a Binds volume", { Binds: ["v:/v:z"] }, "HostConfig.Binds[0]"],
    ["no OOM killer", { OomKillDisable: true }, "HostConfig.OomKillDisable"],
    ["a plain key with a surprising value", { Memory: "lots" }, "HostConfig.Memory"],
    ["a restart policy nobody knows", { RestartPolicy: { Name: "sometimes" } }, "HostConfig.RestartPolicy.Name"],
    ["an unknown HostConfig key", { Ulimits: [{ Name: "nofile", Soft: 1, Hard: 2 }] }, "HostConfig.Ulimits"],
    ["a key from the future", { CgroupParentOfDoom: "/" }, "HostConfig.CgroupParentOfDoom"],
  ];

  it.each(cases)("%s", (_what, hostConfig, field) => {
    const violations = checkWorkload(host(hostConfig), none);
    expect(violations.map((v) => v.field)).toContain(field);
    expect(violations.every((v) => v.permission === PRIVILEGED)).toBe(true);
    expect(violations.find((v) => v.field === field)!.message).toBeTruthy();
    // …and container.create.privileged is enough for all of them.
    expect(checkWorkload(host(hostConfig), privileged)).toEqual([]);
  });

  it("an unknown top-level key is refused, naming it", () => {
    expect(fields({ Image: "busybox", MacAddress: "02:42:ac:11:00:02" })).toEqual(["MacAddress"]);
    expect(fields({ Image: "busybox", Shell: ["/bin/bash"] })).toEqual(["Shell"]);
    expect(fields({ Image: "busybox", __proto__x: 1 })).toEqual(["__proto__x"]);
  });

  it("an unknown key nested in a plain object is refused, naming its path", () => {
    expect(fields({ Image: "b", Healthcheck: { Test: ["NONE"], Sneaky: true } })).toEqual(["Healthcheck.Sneaky"]);
    expect(hostFields({ RestartPolicy: { Name: "always", Extra: 1 } })).toEqual(["HostConfig.RestartPolicy.Extra"]);
    expect(hostFields({ PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "80", Magic: 1 }] } })).toEqual([
      "HostConfig.PortBindings.80/tcp[0].Magic",
    ]);
    expect(fields({ Image: "b", NetworkingConfig: { EndpointsConfig: { n: { DriverOpts: { x: "y" } } } } })).toEqual([
      "NetworkingConfig.EndpointsConfig.n.DriverOpts",
    ]);
    expect(fields({ Image: "b", NetworkingConfig: { Other: {} } })).toEqual(["NetworkingConfig.Other"]);
  });

  it("the host network through EndpointsConfig", () => {
    expect(fields({ Image: "b", NetworkingConfig: { EndpointsConfig: { host: {} } } })).toEqual([
      "NetworkingConfig.EndpointsConfig.host",
    ]);
  });

  it("a key that is not an object where one is expected", () => {
    expect(fields({ Image: "b", HostConfig: "privileged" })).toEqual(["HostConfig"]);
    expect(hostFields({ Mounts: "data:/data" })).toEqual(["HostConfig.Mounts"]);
    expect(hostFields({ Binds: [42] })).toEqual(["HostConfig.Binds[0]"]);
  });

  it("returns every violation, not only the first", () => {
    const violations = checkWorkload(
      host({
        Privileged: true,
        CapAdd: ["NET_ADMIN"],
        NetworkMode: "host",
        PidMode: "host",
        Binds: ["/etc:/etc", "/var/run/docker.sock:/var/run/docker.sock"],
        Whatever: 1,
      }),
      none,
    );
    expect(violations.map((v) => v.field)).toEqual([
      "HostConfig.Privileged",
      "HostConfig.CapAdd",
      "HostConfig.NetworkMode",
      "HostConfig.PidMode",
      "HostConfig.Binds[0]",
      "HostConfig.Binds[1]",
      "HostConfig.Binds[1]",
      "HostConfig.Whatever",
    ]);
    expect(violations.filter((v) => v.permission === DOCKER_SOCKET).map((v) => v.field)).toEqual([
      "HostConfig.Binds[1]",
    ]);
  });

  it("the update door: devices through an update are host access; other keys are not an update's", () => {
    const update = (body: Record<string, unknown>) => checkWorkload({ kind: "update", body }, none).map((v) => v.field);
    expect(
      update({ Devices: [{ PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm" }] }),
    ).toEqual(["Devices[0]"]);
    expect(update({ DeviceRequests: [{ Count: -1 }] })).toEqual(["DeviceRequests"]);
    expect(update({ Privileged: true })).toEqual(["Privileged"]);
    expect(update({ Binds: ["/:/host"] })).toEqual(["Binds"]);
    expect(update({ RestartPolicy: { Name: "always" }, Memory: 1 << 26, KernelMemory: 1 })).toEqual(["KernelMemory"]);
  });
});

describe("the Docker socket needs container.create.docker-socket, even with host access", () => {
  const sockets = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run//docker.sock",
    "/var/run/../run/docker.sock",
    "/home/me/.docker/run/docker.sock",
    "/run/user/1000/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run",
    "/var/run/",
    "/run",
    "/var",
    "/",
    "/proc",
    "/proc/1/root",
  ];

  it.each(sockets)("%s is the engine's socket (or holds it)", (path) => {
    expect(exposesEngineSocket(path)).toBe(true);
  });

  it.each(["/srv/data", "/etc", "/var/lib/app", "/run/secrets", "/home/me", "/tmp/docker.socket"])(
    "%s is not",
    (path) => {
      expect(exposesEngineSocket(path)).toBe(false);
    },
  );

  it("the environment's own endpoint counts as a socket, and so do its parents", () => {
    const facts = { socketPaths: ["/tmp/testbed/engine.sock"] };
    expect(exposesEngineSocket("/tmp/testbed/engine.sock", facts.socketPaths)).toBe(true);
    expect(exposesEngineSocket("/tmp/testbed", facts.socketPaths)).toBe(true);
    expect(exposesEngineSocket("/tmp/other", facts.socketPaths)).toBe(false);
    expect(hostFields({ Binds: ["/tmp/testbed:/x"] }, privileged, facts)).toEqual(["HostConfig.Binds[0]"]);
  });

  const doors: [string, Record<string, unknown>, string][] = [
    ["Binds", { Binds: ["/var/run/docker.sock:/var/run/docker.sock"] }, "HostConfig.Binds[0]"],
    ["Binds of /run", { Binds: ["/run:/host-run:ro"] }, "HostConfig.Binds[0]"],
    ["Binds of /", { Binds: ["/:/host"] }, "HostConfig.Binds[0]"],
    ["Mounts", { Mounts: [{ Type: "bind", Source: "/run/docker.sock", Target: "/s" }] }, "HostConfig.Mounts[0]"],
    [
      "Mounts of /var/run",
      { Mounts: [{ Type: "bind", Source: "/var/run", Target: "/r", ReadOnly: true }] },
      "HostConfig.Mounts[0]",
    ],
    [
      "a local volume binding it",
      {
        Mounts: [
          {
            Type: "volume",
            Source: "s",
            Target: "/s",
            VolumeOptions: {
              DriverConfig: { Name: "local", Options: { type: "none", o: "bind", device: "/var/run" } },
            },
          },
        ],
      },
      "HostConfig.Mounts[0].VolumeOptions.DriverConfig.Options",
    ],
    [
      "a device path",
      { Devices: [{ PathOnHost: "/var/run/docker.sock", PathInContainer: "/s" }] },
      "HostConfig.Devices[0]",
    ],
  ];

  it.each(doors)("through %s", (_what, hostConfig, field) => {
    const withPrivileged = checkWorkload(host(hostConfig), privileged);
    expect(withPrivileged).toHaveLength(1);
    expect(withPrivileged[0]).toMatchObject({ field, permission: DOCKER_SOCKET });
    expect(withPrivileged[0]!.message).toMatch(/socket/);
    // Both are missing without either; with both it passes.
    expect(
      checkWorkload(host(hostConfig), none)
        .map((v) => v.permission)
        .sort(),
    ).toEqual([DOCKER_SOCKET, PRIVILEGED]);
    expect(checkWorkload(host(hostConfig), everything)).toEqual([]);
    // The socket permission alone is not host access.
    expect(checkWorkload(host(hostConfig), { privileged: false, dockerSocket: true }).map((v) => v.permission)).toEqual(
      [PRIVILEGED],
    );
  });

  it("an existing named volume that binds the socket folder is a bind mount of it", () => {
    const facts: WorkloadFacts = {
      volumes: { sock: { driver: "local", options: { type: "none", o: "bind", device: "/var/run" } } },
    };
    const mounts = { Mounts: [{ Type: "volume", Source: "sock", Target: "/s" }] };
    expect(checkWorkload(host(mounts), none, facts).map((v) => [v.field, v.permission])).toEqual([
      ["HostConfig.Mounts[0].Source", PRIVILEGED],
      ["HostConfig.Mounts[0].Source", DOCKER_SOCKET],
    ]);
    expect(checkWorkload(host({ Binds: ["sock:/s"] }), privileged, facts).map((v) => v.permission)).toEqual([
      DOCKER_SOCKET,
    ]);
    // A plain existing local volume stays plain; an existing one on another driver does not.
    expect(checkWorkload(host(mounts), none, { volumes: { sock: { driver: "local", options: {} } } })).toEqual([]);
    expect(hostFields(mounts, none, { volumes: { sock: { driver: "nfs", options: {} } } })).toEqual([
      "HostConfig.Mounts[0].Source",
    ]);
  });

  it("VolumesFrom a container that mounts the socket passes it on", () => {
    const facts: WorkloadFacts = { volumesFrom: { agent: ["/var/run/docker.sock", "/srv"] } };
    expect(checkWorkload(host({ VolumesFrom: ["agent:ro"] }), privileged, facts)).toMatchObject([
      { field: "HostConfig.VolumesFrom[0]", permission: DOCKER_SOCKET },
    ]);
    expect(checkWorkload(host({ VolumesFrom: ["web"] }), privileged, facts)).toEqual([]);
  });
});

describe("the spec's payload goes through the same function", () => {
  const spec = (input: Omit<ContainerSpecInput, "image"> & { image?: string }) =>
    containerSpec.parse({ image: "stevedore-fixture/busybox:latest", ...input });
  const check = (input: Parameters<typeof spec>[0], grants = none) =>
    checkWorkload({ kind: "create", body: toCreatePayload(spec(input)).body }, grants);

  it("a plain spec with every plain field is allowed", () => {
    expect(
      check({
        name: "web",
        command: ["sleep", "60"],
        entrypoint: ["/bin/sh", "-c"],
        env: [{ name: "MODE", value: "prod" }],
        labels: { team: "ops" },
        restartPolicy: { name: "on-failure", maximumRetryCount: 2 },
        ports: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 53, protocol: "udp" },
        ],
        volumes: [{ source: "data", target: "/data", readOnly: true }],
        tmpfs: [{ target: "/run", sizeBytes: 1 << 20 }],
        networks: [{ name: "backend", aliases: ["web"] }, { name: "frontend" }],
        resources: { memoryBytes: 64 << 20, cpus: 0.5, pidsLimit: 50 },
        user: "1000",
        workingDir: "/srv",
        hostname: "web",
        healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 5, retries: 3 },
        start: false,
      }),
    ).toEqual([]);
  });

  it("every host access field of the spec becomes a violation naming its engine field", () => {
    const violations = check({
      volumes: [{ source: "v", target: "/v", driverOptions: { o: "bind", device: "/srv", type: "none" } }],
      tmpfs: [{ target: "/big" }],
      hostAccess: {
        privileged: true,
        capAdd: ["SYS_ADMIN"],
        devices: [{ pathOnHost: "/dev/fuse" }],
        deviceRequests: [{}],
        networkMode: "host",
        pidMode: "host",
        ipcMode: "host",
        utsMode: "host",
        usernsMode: "host",
        cgroupnsMode: "host",
        securityOpt: ["seccomp=unconfined"],
        sysctls: { "kernel.msgmax": "65536" },
        runtime: "runsc",
        binds: ["/etc:/host-etc:ro"],
        bindMounts: [{ source: "/srv", target: "/srv" }],
        volumesFrom: ["other"],
        raw: { HostConfig: { OomScoreAdj: -1000 }, Config: { MacAddress: "02:42:ac:11:00:02" } },
      },
    });
    expect(new Set(violations.map((v) => v.field))).toEqual(
      new Set([
        "HostConfig.Mounts[0].VolumeOptions.DriverConfig.Options",
        "HostConfig.Mounts[1].TmpfsOptions.SizeBytes",
        "HostConfig.Mounts[2]",
        "HostConfig.Binds[0]",
        "HostConfig.Privileged",
        "HostConfig.CapAdd",
        "HostConfig.Devices[0]",
        "HostConfig.DeviceRequests",
        "HostConfig.NetworkMode",
        "HostConfig.PidMode",
        "HostConfig.IpcMode",
        "HostConfig.UTSMode",
        "HostConfig.UsernsMode",
        "HostConfig.CgroupnsMode",
        "HostConfig.SecurityOpt[0]",
        "HostConfig.Sysctls",
        "HostConfig.Runtime",
        "HostConfig.VolumesFrom[0]",
        "HostConfig.OomScoreAdj",
        "MacAddress",
      ]),
    );
    expect(violations.every((v) => v.permission === PRIVILEGED)).toBe(true);
  });

  it("a raw plain key passes; a raw unknown one needs host access", () => {
    expect(check({ hostAccess: { raw: { HostConfig: { ReadonlyRootfs: true, Dns: ["1.1.1.1"] } } } })).toEqual([]);
    expect(check({ hostAccess: { raw: { HostConfig: { Ulimits: [] } } } }).map((v) => v.field)).toEqual([
      "HostConfig.Ulimits",
    ]);
  });

  it("a network named host is the host's network", () => {
    expect(
      check({ networks: [{ name: "host" }] })
        .map((v) => v.field)
        .sort(),
    ).toEqual(["HostConfig.NetworkMode", "NetworkingConfig.EndpointsConfig.host"]);
  });

  it("the socket through the spec's bind mounts, with host access but without the socket permission", () => {
    expect(
      check({ hostAccess: { bindMounts: [{ source: "/var/run/docker.sock", target: "/s" }] } }, privileged),
    ).toMatchObject([{ field: "HostConfig.Mounts[0]", permission: DOCKER_SOCKET }]);
  });
});

describe("helpers", () => {
  it("normalizes host paths without touching the disk", () => {
    expect(normalizeHostPath("//var/./run/../run//docker.sock/")).toBe("/var/run/docker.sock");
    expect(normalizeHostPath("/..")).toBe("/");
  });

  it("describes violations per missing permission, naming each field", () => {
    const text = describeViolations(checkWorkload(host({ Privileged: true, Binds: ["/run:/r"] }), none));
    expect(text).toContain("container.create.privileged");
    expect(text).toContain("HostConfig.Privileged");
    expect(text).toContain("These need the container.create.docker-socket permission: HostConfig.Binds[0] (/run holds");
  });

  it("lists the volumes and containers a payload refers to", () => {
    expect(
      referencesOf(
        host({
          Mounts: [
            { Type: "volume", Source: "a", Target: "/a" },
            { Type: "bind", Source: "/b", Target: "/b" },
          ],
          Binds: ["c:/c:ro", "/d:/d", "/anon"],
          VolumesFrom: ["web:ro"],
        }),
      ),
    ).toEqual({ volumes: ["a", "c"], volumesFrom: ["web"] });
  });
});
