// One workload policy for every door that runs a swarm service (issue #12): a stack's services
// (stacks.deploy, through stackJudge) and a single service (services.create/update, through the
// swarm judge) are judged by server/workloads' judgeServicePayload. A payload refused at one door
// is refused at the other, for the same fields and permissions; the stricter of the old rules
// (the stacks' own list refused `Groups` and the host's `bridge` network) holds at both.
import { describe, expect, it } from "vitest";
import { judgeServiceSpec as servicesDoor } from "../swarm/judge";
import { stackJudge } from "./service-policy";

type Json = Record<string, unknown>;
const none = { privileged: false, dockerSocket: false };
const all = { privileged: true, dockerSocket: true };

function service(container: Json = {}, template: Json = {}, top: Json = {}): Json {
  return {
    Name: "shop_web",
    Labels: { "com.docker.stack.namespace": "shop" },
    TaskTemplate: {
      ContainerSpec: { Image: "stevedore-fixture/busybox:latest", Args: ["sleep", "3600"], ...container },
      ...template,
    },
    Mode: { Replicated: { Replicas: 1 } },
    ...top,
  };
}

const hostile: [string, Json][] = [
  ["a bind mount", service({ Mounts: [{ Type: "bind", Source: "/etc", Target: "/host-etc", ReadOnly: true }] })],
  ["the Docker socket", service({ Mounts: [{ Type: "bind", Source: "/var/run/docker.sock", Target: "/s" }] })],
  [
    "a volume whose driver options bind a host folder",
    service({
      Mounts: [
        {
          Type: "volume",
          Source: "sneaky",
          Target: "/data",
          VolumeOptions: { DriverConfig: { Name: "local", Options: { type: "none", o: "bind", device: "/etc" } } },
        },
      ],
    }),
  ],
  ["an added capability", service({ CapabilityAdd: ["NET_ADMIN"] })],
  ["a sysctl", service({ Sysctls: { "net.ipv4.ip_forward": "1" } })],
  ["extra groups", service({ Groups: ["docker"] })],
  ["seccomp unconfined", service({ Privileges: { Seccomp: { Mode: "unconfined" } } })],
  ["the host network", service({}, { Networks: [{ Target: "host" }] })],
  ["the host's bridge network", service({}, { Networks: [{ Target: "bridge" }] })],
  ["network driver options", service({}, { Networks: [{ Target: "backend", DriverOpts: { a: "b" } }] })],
  [
    "generic resources",
    service(
      {},
      { Resources: { Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: "gpu", Value: 1 } }] } } },
    ),
  ],
  ["a plugin runtime", service({}, { Runtime: "plugin" })],
  [
    "a log driver that ships logs away",
    service({}, { LogDriver: { Name: "syslog", Options: { "syslog-address": "udp://x:514" } } }),
  ],
  ["an unknown container field", service({ Devices: ["/dev/sda"] })],
  ["an unknown top-level field", service({}, {}, { Sneaky: { Privileged: true } })],
  ["a field spelt in another case", service({ mounts: [{ Type: "bind", Source: "/", Target: "/host" }] })],
];

const plainOnes: [string, Json][] = [
  ["a plain service", service()],
  [
    "a named volume, tmpfs, env, healthcheck, limits",
    service(
      {
        Env: ["A=1"],
        Mounts: [
          { Type: "volume", Source: "data", Target: "/data" },
          { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: 1024 * 1024 } },
        ],
        Healthcheck: { Test: ["CMD", "true"], Interval: 1_000_000_000 },
        CapabilityDrop: ["ALL"],
      },
      {
        Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 } },
        RestartPolicy: { Condition: "on-failure", MaxAttempts: 3 },
        Placement: { Constraints: ["node.role==worker"] },
        Networks: [{ Target: "shop_default", Aliases: ["web"] }],
        LogDriver: { Name: "json-file", Options: { "max-size": "1m" } },
      },
    ),
  ],
];

const fields = (vs: readonly { field: string; permission?: unknown }[]) =>
  vs.map((v) => `${v.field} ${String(v.permission)}`).sort();

describe("one policy for the stacks door and the services door", () => {
  it.each(hostile)("%s is refused at both doors, for the same fields", async (_what, spec) => {
    const atStacks = await stackJudge(none)(spec, { stack: "shop", service: "web" });
    const atServices = servicesDoor(spec, none);
    expect(atStacks.length).toBeGreaterThan(0);
    expect(fields(atStacks)).toEqual(fields(atServices));
  });

  it.each(plainOnes)("%s passes both doors with no host access", async (_what, spec) => {
    expect(await stackJudge(none)(spec, { stack: "shop", service: "web" })).toEqual([]);
    expect(servicesDoor(spec, none)).toEqual([]);
  });

  it("host access lets the same payloads through both doors", async () => {
    for (const [, spec] of hostile.filter(([what]) => !/unknown|another case/.test(what))) {
      expect(fields(await stackJudge(all)(spec, { stack: "shop", service: "web" }))).toEqual(
        fields(servicesDoor(spec, all)),
      );
    }
  });

  // Review finding: a role with service.create (or stack.deploy) and service.logs read a
  // config's data without config.data.read by mounting it into a service that prints it.
  it("a config given to a service needs config.data.read at both doors; a secret needs nothing more", async () => {
    const file = { Name: "/etc/site.conf", UID: "0", GID: "0", Mode: 0o444 };
    const withConfig = service({ Configs: [{ File: file, ConfigID: "cid", ConfigName: "shop_site" }] });
    const expected = ["TaskTemplate.ContainerSpec.Configs[0] config.data.read"];
    expect(fields(await stackJudge(all)(withConfig, { stack: "shop", service: "web" }))).toEqual(expected);
    expect(fields(servicesDoor(withConfig, all))).toEqual(expected);
    const reader = { ...none, configData: true };
    expect(await stackJudge(reader)(withConfig, { stack: "shop", service: "web" })).toEqual([]);
    expect(servicesDoor(withConfig, reader)).toEqual([]);
    const withSecret = service({ Secrets: [{ File: file, SecretID: "sid", SecretName: "shop_db" }] });
    expect(await stackJudge(none)(withSecret, { stack: "shop", service: "web" })).toEqual([]);
    expect(servicesDoor(withSecret, none)).toEqual([]);
  });
});
