// The service side of the kit: the same sections map a spec to a swarm ServiceSpec and back,
// write `docker service create`, keep what an update does not model, and the same policy
// judges it under its service roots.
import { describe, expect, it } from "vitest";
import { judgeServicePayload, judgeServiceSpec } from "./judge";
import { DOCKER_SOCKET, PRIVILEGED } from "./policy/index";
import {
  serviceCreateCli,
  serviceSpec,
  serviceSpecOf,
  toServiceSpec,
  toServiceUpdate,
  type ServiceSpecInput,
} from "./service-spec";

const parse = (input: Partial<ServiceSpecInput>) => serviceSpec.parse({ image: "busybox:1.36", ...input });
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
  restartPolicy: { name: "on-failure", maximumRetryCount: 5 },
  ports: [
    { containerPort: 80, hostPort: 8080 },
    { containerPort: 53, protocol: "udp", publishMode: "host" },
  ],
  volumes: [{ source: "data", target: "/data", readOnly: true }],
  tmpfs: [{ target: "/run", sizeBytes: 64 * 1024 * 1024 }],
  networks: [{ name: "backend", aliases: ["api"] }],
  resources: { memoryBytes: 512 * 1024 * 1024, cpus: 1.5, pidsLimit: 100 },
  user: "1000",
  workingDir: "/srv",
  hostname: "web",
  healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 10, retries: 3 },
};

describe("spec -> ServiceSpec", () => {
  it("maps every section to its place in the ServiceSpec", () => {
    const { body, origins } = toServiceSpec(parse(full));
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
        Resources: { Limits: { MemoryBytes: 512 * 1024 * 1024, NanoCPUs: 1_500_000_000, Pids: 100 } },
      },
    });
    expect(origins).toMatchObject({
      "TaskTemplate.ContainerSpec.Mounts[1]": "tmpfs.0",
      "EndpointSpec.Ports[1]": "ports.1",
      "TaskTemplate.Networks[0]": "networks.0",
    });
  });

  it("a global service, and the swarm's default restart when none is given", () => {
    const { body } = toServiceSpec(parse({ mode: { kind: "global" } }));
    expect(body.Mode).toEqual({ Global: {} });
    expect(body.TaskTemplate).not.toHaveProperty("RestartPolicy");
    expect(serviceSpec.safeParse({ image: "b", mode: { kind: "global", replicas: 2 } }).success).toBe(false);
  });

  it("a service has no privileged mode, devices, namespaces or host addresses in its schema", () => {
    for (const bad of [
      { hostAccess: { privileged: true } },
      { hostAccess: { pidMode: "host" } },
      { ports: [{ containerPort: 80, hostIp: "127.0.0.1" }] },
      { networks: [{ name: "n", ipv4Address: "10.0.0.2" }] },
      { env: [{ name: "X", fromSource: true }] },
    ]) {
      expect(serviceSpec.safeParse({ image: "b", ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("docker service create", () => {
  it("writes the same service as a command line", () => {
    expect(serviceCreateCli(parse(full))).toBe(
      "docker service create --name web --replicas 3 --restart-condition on-failure --restart-max-attempts 5 " +
        "--publish published=8080,target=80 --publish target=53,protocol=udp,mode=host " +
        "--mount type=volume,src=data,dst=/data,readonly --mount type=tmpfs,dst=/run,tmpfs-size=64m " +
        "--network name=backend,alias=api --env MODE=prod --label team=ops --container-label tier=front " +
        "--user 1000 --workdir /srv --hostname web --limit-memory 512m --limit-cpu 1.5 --limit-pids 100 " +
        "--health-cmd true --health-interval 10s --health-retries 3 --entrypoint '/bin/sh -c' busybox:1.36 " +
        "'echo '\\''hi'\\'' && sleep 9'",
    );
    expect(serviceCreateCli(parse({ mode: { kind: "global" }, hostAccess: { capAdd: ["NET_ADMIN"] } }))).toBe(
      "docker service create --mode global --cap-add NET_ADMIN busybox:1.36",
    );
  });
});

describe("ServiceSpec -> spec, and updates", () => {
  it("reads a ServiceSpec back into the same spec", () => {
    const spec = parse(full);
    const back = serviceSpecOf(toServiceSpec(spec).body);
    expect(back.dropped).toEqual([]);
    expect(serviceSpec.parse(back.spec)).toEqual(spec);
  });

  it("says what it cannot carry", () => {
    const body = toServiceSpec(parse({})).body as Record<string, Record<string, unknown>>;
    body.TaskTemplate!.Placement = { Constraints: ["node.role==manager"] };
    (body.TaskTemplate!.ContainerSpec as Record<string, unknown>).Secrets = [{ SecretName: "db" }];
    expect(serviceSpecOf(body).dropped).toEqual(["placement constraints and preferences", "secrets"]);
  });

  it("an update replaces what the spec models and keeps the rest", () => {
    const current = toServiceSpec(parse(full)).body as Record<string, Record<string, unknown>>;
    current.TaskTemplate!.Placement = { Constraints: ["node.role==manager"] };
    current.TaskTemplate!.RestartPolicy = { Condition: "on-failure", MaxAttempts: 5, Delay: 5e9 };
    (current.TaskTemplate!.ContainerSpec as Record<string, unknown>).Secrets = [{ SecretName: "db" }];
    current.UpdateConfig = { Parallelism: 2 };
    const next = parse({ ...full, env: [], resources: { memoryBytes: 256 * 1024 * 1024 }, restartPolicy: undefined });
    const { body } = toServiceUpdate(current, next);
    const task = body.TaskTemplate as Record<string, Record<string, unknown>>;
    expect(task.ContainerSpec).not.toHaveProperty("Env");
    expect(task.ContainerSpec!.Secrets).toEqual([{ SecretName: "db" }]);
    expect(task.Placement).toEqual({ Constraints: ["node.role==manager"] });
    expect(task.Resources).toEqual({ Limits: { MemoryBytes: 256 * 1024 * 1024 } });
    // The spec models the condition and its attempts; the delay it does not model stays.
    expect(task.RestartPolicy).toEqual({ Delay: 5e9 });
    expect(body.UpdateConfig).toEqual({ Parallelism: 2 });
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
