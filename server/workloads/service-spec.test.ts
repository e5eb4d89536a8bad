// The service side of the kit: the same sections map a spec to a swarm ServiceSpec and back,
// write `docker service create`, keep what an update does not model, and the same policy
// judges it under its service roots.
import { describe, expect, it } from "vitest";
import { judgeServicePayload, judgeServiceSpec } from "./judge";
import { DOCKER_SOCKET, PRIVILEGED } from "./policy/index";
import {
  createWords,
  serviceCreateCli,
  serviceSpec,
  serviceSpecOf,
  toServicePayload,
  toServiceSpec,
  toServiceUpdate,
  updateWords,
  type ServiceSpecInput,
} from "./service-spec";

const parse = (input: Partial<ServiceSpecInput>) => serviceSpec.parse({ name: "s", image: "busybox:1.36", ...input });
type Json = Record<string, unknown>;
const none = { privileged: false, dockerSocket: false };
const privileged = { privileged: true, dockerSocket: false };

const full: ServiceSpecInput = {
  image: "busybox:1.36",
  name: "web",
  mode: { kind: "replicated", replicas: 3 },
  entrypoint: ["/bin/sh", "-c"],
  command: ["echo 'hi' && sleep 9"],
  env: [{ name: "MODE", value: "prod" }],
  labels: { team: "ops" },
  containerLabels: { tier: "front" },
  restartPolicy: { condition: "on-failure", maxAttempts: 5 },
  ports: [
    { containerPort: 80, hostPort: 8080 },
    { containerPort: 53, protocol: "udp", publishMode: "host" },
  ],
  volumes: [{ source: "data", target: "/data", readOnly: true }],
  tmpfs: [{ target: "/run", sizeBytes: 64 * 1024 * 1024 }],
  networks: [{ name: "backend", aliases: ["api"] }],
  resources: { limits: { memoryBytes: 512 * 1024 * 1024, cpus: 1.5, pids: 100 } },
  user: "1000",
  workingDir: "/srv",
  hostname: "web",
  healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 10, retries: 3 },
};

describe("spec -> ServiceSpec", () => {
  it("maps every section to its place in the ServiceSpec", () => {
    const { body, origins } = toServicePayload(parse(full));
    expect(body).toEqual({
      Name: "web",
      Labels: { team: "ops" },
      Mode: { Replicated: { Replicas: 3 } },
      EndpointSpec: {
        Ports: [
          { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" },
          { Protocol: "udp", TargetPort: 53, PublishMode: "host" },
        ],
      },
      TaskTemplate: {
        ContainerSpec: {
          Image: "busybox:1.36",
          Command: ["/bin/sh", "-c"],
          Args: ["echo 'hi' && sleep 9"],
          Env: ["MODE=prod"],
          Labels: { tier: "front" },
          Mounts: [
            { Type: "volume", Source: "data", Target: "/data", ReadOnly: true },
            { Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: 64 * 1024 * 1024 } },
          ],
          User: "1000",
          Dir: "/srv",
          Hostname: "web",
          Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 10e9, Retries: 3 },
        },
        RestartPolicy: { Condition: "on-failure", MaxAttempts: 5 },
        Networks: [{ Target: "backend", Aliases: ["api"] }],
        Resources: { Limits: { MemoryBytes: 512 * 1024 * 1024, NanoCPUs: 1_500_000_000, Pids: 100 }, Reservations: {} },
      },
    });
    expect(origins).toMatchObject({
      "TaskTemplate.ContainerSpec.Mounts[1]": "tmpfs.0",
      "EndpointSpec.Ports[1]": "ports.1",
      "TaskTemplate.Networks[0]": "networks.0",
    });
  });

  it("a global service, and the swarm's default restart when none is given", () => {
    const body = toServiceSpec(parse({ mode: { kind: "global" } }));
    expect(body.Mode).toEqual({ Global: {} });
    expect(body.TaskTemplate).not.toHaveProperty("RestartPolicy");
    expect(serviceSpec.safeParse({ name: "s", image: "b", mode: { kind: "global", replicas: 2 } }).success).toBe(false);
  });

  it("a service has no privileged mode, devices, namespaces or host addresses in its schema", () => {
    for (const bad of [
      { hostAccess: { privileged: true } },
      { hostAccess: { pidMode: "host" } },
      { ports: [{ containerPort: 80, hostIp: "127.0.0.1" }] },
      { networks: [{ name: "n", ipv4Address: "10.0.0.2" }] },
      { env: [{ name: "X", fromSource: true }] },
    ]) {
      expect(serviceSpec.safeParse({ name: "s", image: "b", ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("docker service create | update", () => {
  it("writes the same service as a command line", () => {
    expect(serviceCreateCli(parse(full))).toBe(
      "docker service create --name web --replicas 3 " +
        "--publish published=8080,target=80 --publish target=53,protocol=udp,mode=host " +
        "--mount type=volume,source=data,target=/data,readonly --mount type=tmpfs,target=/run,tmpfs-size=67108864 " +
        "--network name=backend,alias=api --env MODE=prod --label team=ops --container-label tier=front " +
        "--limit-cpu 1.5 --limit-memory 512m --limit-pids 100 --restart-condition on-failure --restart-max-attempts 5 " +
        "--health-cmd true --health-interval 10s --health-retries 3 --user 1000 --workdir /srv --hostname web " +
        "--entrypoint '/bin/sh -c' busybox:1.36 'echo '\\''hi'\\'' && sleep 9'",
    );
    expect(serviceCreateCli(parse({ mode: { kind: "global" }, hostAccess: { capAdd: ["NET_ADMIN"] } }))).toBe(
      "docker service create --name s --mode global --cap-add NET_ADMIN busybox:1.36",
    );
  });

  it("the service-only sections write their flags", () => {
    const spec = parse({
      mode: { kind: "replicated-job", totalCompletions: 4, maxConcurrent: 2 },
      placement: { constraints: ["node.role==worker"], preferences: ["node.labels.zone"], maxReplicas: 1 },
      updateConfig: { parallelism: 2, delaySeconds: 90, order: "start-first" },
      secrets: [{ name: "db", target: "pw", mode: 0o400 }],
      configs: [{ name: "site" }],
      stopGracePeriodSeconds: 30,
      endpointMode: "dnsrr",
    });
    expect(createWords(spec)).toEqual([
      ...["service", "create", "--name", "s", "--mode", "replicated-job", "--replicas", "4", "--max-concurrent", "2"],
      ...["--constraint", "node.role==worker", "--placement-pref", "spread=node.labels.zone"],
      ...["--replicas-max-per-node", "1", "--update-parallelism", "2", "--update-delay", "1m30s"],
      ...["--update-order", "start-first", "--secret", "source=db,target=pw,mode=0400", "--config", "site"],
      ...["--stop-grace-period", "30s", "--endpoint-mode", "dnsrr", "busybox:1.36"],
    ]);
  });

  it("an update writes only what changed, the service last", () => {
    const before = parse(full);
    const after = parse({
      ...full,
      image: "busybox:1.37",
      mode: { kind: "replicated", replicas: 5 },
      env: [{ name: "MODE", value: "dev" }],
      labels: {},
      resources: { limits: { cpus: 2 } },
      healthcheck: undefined,
      hostAccess: { capAdd: ["NET_ADMIN"] },
    });
    expect(updateWords(before, after, "web")).toEqual([
      ...["service", "update", "--image", "busybox:1.37", "--replicas", "5", "--env-rm", "MODE"],
      ...["--env-add", "MODE=dev", "--label-rm", "team", "--limit-cpu", "2", "--limit-memory", "0"],
      ...["--limit-pids", "0", "--no-healthcheck", "--cap-add", "NET_ADMIN", "web"],
    ]);
    expect(updateWords(before, before, "web")).toEqual(["service", "update", "web"]);
  });

  // Review finding: the line's capability flags must make the spec the update sends. The CLI
  // (cli/command/service/update.go, updateCapabilities) reads both flags as a tri-state.
  it("capabilities: the flags the CLI needs to make the same added (and dropped) lists", () => {
    const caps = (capAdd: string[]) => parse({ ...full, hostAccess: capAdd.length ? { capAdd } : {} });
    const words = (before: string[], after: string[], dropped?: string[]) =>
      updateWords(
        caps(before),
        caps(after),
        "web",
        dropped ? { TaskTemplate: { ContainerSpec: { CapabilityDrop: dropped } } } : undefined,
      ).slice(2, -1);
    // taken off the added list: --cap-drop of an added capability only removes it from that list
    expect(words(["NET_ADMIN", "SYS_TIME"], ["NET_ADMIN"])).toEqual(["--cap-drop", "SYS_TIME"]);
    expect(words(["NET_ADMIN"], [])).toEqual(["--cap-drop", "NET_ADMIN"]);
    // spelt another way, the same capability: nothing to do
    expect(words(["NET_ADMIN"], ["CAP_NET_ADMIN"])).toEqual([]);
    expect(words([], ["NET_ADMIN", "CAP_NET_ADMIN"])).toEqual(["--cap-add", "NET_ADMIN"]);
    // added while the service drops it: --cap-add alone would only take it off the dropped
    // list, so that list is reset and the others dropped again
    expect(words([], ["NET_ADMIN"], ["CAP_NET_ADMIN", "CAP_MKNOD"])).toEqual([
      ...["--cap-drop", "RESET", "--cap-drop", "CAP_MKNOD", "--cap-add", "NET_ADMIN"],
    ]);
    // dropped ones that are not added again need nothing
    expect(words([], ["NET_ADMIN"], ["CAP_MKNOD"])).toEqual(["--cap-add", "NET_ADMIN"]);
  });
});

describe("ServiceSpec -> spec, and updates", () => {
  it("reads a ServiceSpec back into the same spec, names resolved back from IDs", () => {
    const spec = parse({
      ...full,
      placement: { constraints: ["node.role==worker"], preferences: ["node.labels.zone"] },
      rollbackConfig: { parallelism: 1, failureAction: "pause" },
      secrets: [{ name: "db", uid: "1000" }],
      stopGracePeriodSeconds: 5,
      mode: { kind: "global-job" },
    });
    const refs = { secret: (n: string) => `secret-${n}`, config: (n: string) => n, network: (n: string) => `net-${n}` };
    const body = toServiceSpec(spec, refs);
    expect((body.TaskTemplate as Json).Networks).toEqual([{ Target: "net-backend", Aliases: ["api"] }]);
    const back = serviceSpecOf(body, (id) => id.replace(/^net-/, ""));
    expect(back.kept).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(spec);
  });

  it("says what it does not model", () => {
    const body = toServiceSpec(parse({})) as Record<string, Record<string, unknown>>;
    body.TaskTemplate!.Placement = { Platforms: [{ OS: "linux" }] };
    body.TaskTemplate!.LogDriver = { Name: "json-file" };
    (body.TaskTemplate!.ContainerSpec as Json).Privileges = { NoNewPrivileges: true };
    (body.TaskTemplate!.ContainerSpec as Json).DNSConfig = {};
    expect(serviceSpecOf(body).kept).toEqual([
      "privileges (SELinux, seccomp, AppArmor, credential spec)",
      "a log driver",
      "platforms",
    ]);
  });

  it("an update replaces what the spec models and keeps the rest", () => {
    const current = toServiceSpec(parse(full)) as Record<string, Record<string, unknown>>;
    current.TaskTemplate!.LogDriver = { Name: "json-file" };
    const container = current.TaskTemplate!.ContainerSpec as Json;
    container.Ulimits = [{ Name: "nofile", Soft: 1, Hard: 2 }];
    // The Engine API's other spelling of the healthcheck is replaced too.
    container.HealthCheck = { Test: ["NONE"] };
    current.TaskTemplate!.RestartPolicy = { Condition: "on-failure", MaxAttempts: 5, Delay: 5e9 };
    const next = parse({
      ...full,
      env: [],
      resources: { limits: { memoryBytes: 256 * 1024 * 1024 } },
      restartPolicy: undefined,
      placement: { constraints: ["node.role==manager"] },
    });
    const body = toServiceUpdate(current, next);
    const task = body.TaskTemplate as Record<string, Record<string, unknown>>;
    expect(task.ContainerSpec).not.toHaveProperty("Env");
    expect(task.ContainerSpec).not.toHaveProperty("HealthCheck");
    expect(task.ContainerSpec!.Healthcheck).toEqual({ Test: ["CMD-SHELL", "true"], Interval: 10e9, Retries: 3 });
    expect(task.ContainerSpec!.Ulimits).toEqual([{ Name: "nofile", Soft: 1, Hard: 2 }]);
    expect(task.LogDriver).toEqual({ Name: "json-file" });
    expect(task.Placement).toEqual({ Constraints: ["node.role==manager"] });
    expect(task.Resources).toEqual({ Limits: { MemoryBytes: 256 * 1024 * 1024 }, Reservations: {} });
    expect(task).not.toHaveProperty("RestartPolicy");
  });

  it("checks across sections: DNS round robin has no routing mesh", () => {
    const result = serviceSpec.safeParse({
      name: "s",
      image: "b",
      endpointMode: "dnsrr",
      ports: [{ containerPort: 80 }],
    });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["endpointMode", "DNS round robin has no routing mesh: publish in host mode."],
    ]);
  });
});

describe("the policy judges services under their own roots", () => {
  it("a plain service has no violation", () => {
    expect(judgeServiceSpec(parse(full), none)).toEqual([]);
  });

  it("host folders, capabilities, sysctls and big memory file systems need host access, on their field", () => {
    const violations = judgeServiceSpec(
      parse({
        hostAccess: {
          bindMounts: [{ source: "/etc", target: "/e" }],
          capAdd: ["SYS_ADMIN"],
          sysctls: { "net.core.somaxconn": "1024" },
        },
        tmpfs: [{ target: "/big", sizeBytes: 2 ** 50 }],
      }),
      none,
    );
    expect(violations.map((v) => [v.field, v.specField, v.permission])).toEqual([
      ["TaskTemplate.ContainerSpec.Mounts[0].TmpfsOptions.SizeBytes", "tmpfs.0.sizeBytes", PRIVILEGED],
      ["TaskTemplate.ContainerSpec.Mounts[1]", "hostAccess.bindMounts.0", PRIVILEGED],
      ["TaskTemplate.ContainerSpec.CapabilityAdd", "hostAccess.capAdd", PRIVILEGED],
      ["TaskTemplate.ContainerSpec.Sysctls", "hostAccess.sysctls", PRIVILEGED],
    ]);
  });

  it("an engine's socket needs the socket permission, even with host access", () => {
    const spec = parse({ hostAccess: { bindMounts: [{ source: "/run/podman/podman.sock", target: "/s" }] } });
    expect(judgeServiceSpec(spec, privileged)).toMatchObject([
      {
        field: "TaskTemplate.ContainerSpec.Mounts[0]",
        specField: "hostAccess.bindMounts.0",
        permission: DOCKER_SOCKET,
      },
    ]);
  });

  it("judges a ServiceSpec built elsewhere (a stack's), as the engine reads it", () => {
    const payload = {
      Name: "s",
      Networks: [{ Target: "host" }],
      TaskTemplate: {
        Runtime: "plugin",
        LogDriver: { Name: "syslog", Options: { "syslog-address": "udp://1.2.3.4:514" } },
        Resources: { Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: "gpu", Value: 1 } }] } },
        ContainerSpec: {
          Image: "busybox",
          Privileges: { Seccomp: { Mode: "unconfined" } },
          mounts: [{ TYPE: "bind", "\u017fource": "/var/run/docker.sock", Target: "/s" }],
          Ulimits: [{ Name: "nofile", Soft: 1, Hard: 2 }],
        },
      },
    };
    const { violations, body } = judgeServicePayload(payload, none);
    expect(violations.map((v) => `${v.field} ${v.permission}`)).toEqual([
      `Networks[0].Target ${PRIVILEGED}`,
      `TaskTemplate.Runtime ${PRIVILEGED}`,
      `TaskTemplate.LogDriver ${PRIVILEGED}`,
      `TaskTemplate.Resources.Reservations.GenericResources ${PRIVILEGED}`,
      `TaskTemplate.ContainerSpec.Privileges.Seccomp ${PRIVILEGED}`,
      `TaskTemplate.ContainerSpec.Mounts[0] ${PRIVILEGED}`,
      `TaskTemplate.ContainerSpec.Mounts[0] ${DOCKER_SOCKET}`,
      `TaskTemplate.ContainerSpec.Ulimits ${PRIVILEGED}`,
    ]);
    // What was judged is what is sent: every field name as the engine reads it.
    expect(JSON.stringify(body)).toContain('"Mounts":[{"Type":"bind","Source":"/var/run/docker.sock"');
  });

  it("plain swarm settings pass: placement, rollout, secrets, configs, local logs", () => {
    const { violations } = judgeServicePayload(
      {
        Name: "s",
        Mode: { Replicated: { Replicas: 2 } },
        UpdateConfig: { Parallelism: 1, Delay: 1e9, FailureAction: "rollback", Order: "start-first" },
        TaskTemplate: {
          Placement: { Constraints: ["node.role==worker"], Preferences: [{ Spread: { SpreadDescriptor: "x" } }] },
          LogDriver: { Name: "json-file", Options: { "max-size": "10m" } },
          ContainerSpec: {
            Image: "busybox",
            Secrets: [{ File: { Name: "db", UID: "0", GID: "0", Mode: 0o400 }, SecretID: "id", SecretName: "db" }],
            Privileges: { NoNewPrivileges: true },
            ReadOnly: true,
          },
        },
        EndpointSpec: { Mode: "vip", Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 80 }] },
      },
      none,
    );
    expect(violations).toEqual([]);
  });
});
