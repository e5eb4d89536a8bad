// The workload policy holes of issue #11 item 15, each as the attacker tried it. Written
// against the old import paths (server/containers/*) on purpose: the same file ran against
// the code before the fix and failed there.
import { describe, expect, it } from "vitest";
import { checkWorkload, DOCKER_SOCKET, exposesEngineSocket, PRIVILEGED, type Grants } from "../containers/policy";
import { containerSpec, rawCollisions, toCreatePayload, type ContainerSpecInput } from "../containers/spec";

const none: Grants = { privileged: false, dockerSocket: false };
const privileged: Grants = { privileged: true, dockerSocket: false };
const host = (hostConfig: Record<string, unknown>) => ({
  kind: "create" as const,
  body: { Image: "busybox", HostConfig: hostConfig },
});
const parse = (input: Partial<ContainerSpecInput>) => containerSpec.parse({ image: "busybox", ...input });
const specViolations = (input: Partial<ContainerSpecInput>, grants = none) =>
  checkWorkload({ kind: "create", body: toCreatePayload(parse(input)).body }, grants);

describe("raw keys are judged as the engine reads them (Go folds ſ to s and the Kelvin sign to k)", () => {
  const sock = ["/var/run/docker.sock:/var/run/docker.sock"];

  it("Bindſ reaching the walker is Binds: the socket needs the socket permission", () => {
    const violations = checkWorkload(host({ "Bind\u017f": sock }), privileged);
    expect(violations).toMatchObject([{ field: "HostConfig.Binds[0]", permission: DOCKER_SOCKET }]);
  });

  it("Bindſ through the spec's raw fields is the modelled Binds: refused, and never sent", () => {
    const spec = parse({ hostAccess: { raw: { HostConfig: { "Bind\u017f": sock, "Mount\u017f": [] } } } });
    expect(rawCollisions(spec)).toEqual(["hostAccess.raw.HostConfig.Binds", "hostAccess.raw.HostConfig.Mounts"]);
    expect(JSON.stringify(toCreatePayload(spec).body)).not.toContain("docker.sock");
  });

  it("a Kelvin sign is a k: NetworKMode is NetworkMode", () => {
    const spec = parse({ hostAccess: { raw: { HostConfig: { "Networ\u212aMode": "host" } } } });
    expect(rawCollisions(spec)).toEqual(["hostAccess.raw.HostConfig.NetworkMode"]);
    expect(checkWorkload(host({ "Networ\u212aMode": "host" }), none)).toMatchObject([
      { field: "HostConfig.NetworkMode", message: "shares the host's network namespace" },
    ]);
  });

  it("a folded key inside a nested object too (a bind mount spelt TYPE / ſource)", () => {
    const violations = checkWorkload(
      host({ Mounts: [{ TYPE: "bind", "\u017fource": "/run", Target: "/r" }] }),
      privileged,
    );
    expect(violations.map((v) => v.permission)).toContain(DOCKER_SOCKET);
  });

  it("other look-alikes are not folded by the engine, so stay unknown keys (host access)", () => {
    expect(checkWorkload(host({ "B\u0131nds": sock }), none).map((v) => v.field)).toEqual(["HostConfig.B\u0131nds"]);
  });
});

describe("every engine's socket is an engine socket", () => {
  it.each([
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/user/1000/podman/podman.sock",
    "/run/user/1000/podman",
    "/run/user/1000",
    "/run/user",
    "/var/run/crio/crio.sock",
    "/run/crio",
    "/run/containerd/containerd.sock.ttrpc",
    "/run/containerd/s/0123456789abcdef",
    "/var/run/docker",
    "/var/run/docker/containerd/containerd.sock",
    "/run/docker/plugins/x.sock",
    "/var/run/cri-dockerd.sock",
    "/run/buildkit/buildkitd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/srv/anything/engine.sock",
    "/opt/agent/api.sock",
  ])("%s", (path) => {
    expect(exposesEngineSocket(path)).toBe(true);
    expect(checkWorkload(host({ Binds: [`${path}:/x`] }), privileged)).toMatchObject([{ permission: DOCKER_SOCKET }]);
  });
});

describe("memory file systems are bounded without host access", () => {
  const GiB = 1024 ** 3;

  it.each([
    ["the last size wins: size=1m,size=0 is unbounded", { Tmpfs: { "/run": "size=1m,size=0" } }],
    ["a share of the host's memory", { Tmpfs: { "/run": "size=100%" } }],
    ["a petabyte through Tmpfs", { Tmpfs: { "/run": "size=1p" } }],
    [
      "a petabyte through Mounts",
      { Mounts: [{ Type: "tmpfs", Target: "/big", TmpfsOptions: { SizeBytes: 2 ** 50 } }] },
    ],
    ["a petabyte of /dev/shm", { ShmSize: 2 ** 50 }],
    [
      "several that together pass the bound",
      {
        ShmSize: 2 * GiB,
        Tmpfs: { "/a": "size=2g" },
        Mounts: [{ Type: "tmpfs", Target: "/b", TmpfsOptions: { SizeBytes: 1 * GiB } }],
      },
    ],
  ])("%s needs host access", (_what, hostConfig) => {
    const violations = checkWorkload(host(hostConfig), none);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.permission === PRIVILEGED)).toBe(true);
    expect(checkWorkload(host(hostConfig), privileged)).toEqual([]);
  });

  it("sizes within the bound stay plain", () => {
    expect(
      checkWorkload(
        host({
          ShmSize: 1 * GiB,
          Tmpfs: { "/a": "size=0,size=1g" },
          Mounts: [{ Type: "tmpfs", Target: "/b", TmpfsOptions: { SizeBytes: 2 * GiB } }],
        }),
        none,
      ),
    ).toEqual([]);
  });

  it("a petabyte tmpfs or /dev/shm from the form is refused on its field", () => {
    for (const target of ["/cache", "/dev/shm"]) {
      const violations = specViolations({ tmpfs: [{ target, sizeBytes: 2 ** 50 }] });
      expect(violations).toMatchObject([
        { field: "HostConfig.Mounts[0].TmpfsOptions.SizeBytes", permission: PRIVILEGED },
      ]);
      expect(violations[0]!.message).toMatch(/4 GiB/);
    }
  });
});

describe("labels and variables are bounded with clear errors", () => {
  const issues = (input: Partial<ContainerSpecInput>) => {
    const result = containerSpec.safeParse({ image: "busybox", ...input });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("at most 256 labels", () => {
    const labels = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`l${i}`, "v"]));
    expect(issues({ labels })).toEqual(["labels: 300 labels; at most 256."]);
  });

  it("at most 64 KiB of labels together, and 4096 characters in one value", () => {
    const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${i}`, "x".repeat(4000)]));
    expect(issues({ labels })).toEqual(["labels: The labels come to 78.2 KiB; at most 64 KiB together."]);
    expect(issues({ labels: { big: "x".repeat(20 * 1024 * 1024) } })).toEqual([
      "labels.big: A label value has at most 4096 characters.",
      "labels: The labels come to 20 MiB; at most 64 KiB together.",
    ]);
  });

  it("at most 256 KiB of variables together", () => {
    const env = Array.from({ length: 10 }, (_, i) => ({ name: `V${i}`, value: "x".repeat(60_000) }));
    expect(issues({ env })).toEqual(["env: The variables come to 586 KiB; at most 256 KiB together."]);
  });
});
