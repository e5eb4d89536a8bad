// The spec: its closed schema, the payload it becomes, the docker command lines, and the way
// back from an inspect ("duplicate and edit") without a secret value.
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { isSecretVariable } from "../audit/redact";
import { specOf } from "./spec-of";
import {
  containerSpec,
  rawCollisions,
  runCli,
  shellQuote,
  specFieldOf,
  toCreatePayload,
  updateCli,
  updateSpec,
  type ContainerSpecInput,
} from "./spec";

const parse = (input: Partial<ContainerSpecInput>) => containerSpec.parse({ image: "busybox:1.36", ...input });

describe("the schema is closed", () => {
  it("refuses unknown keys at every level", () => {
    expect(containerSpec.safeParse({ image: "busybox", Privileged: true }).success).toBe(false);
    expect(
      containerSpec.safeParse({ image: "busybox", ports: [{ containerPort: 80, hostNetwork: true }] }).success,
    ).toBe(false);
    expect(containerSpec.safeParse({ image: "busybox", hostAccess: { privileged: true, more: 1 } }).success).toBe(
      false,
    );
    expect(containerSpec.safeParse({ image: "busybox", resources: { memoryBytes: 1 << 26, swap: 1 } }).success).toBe(
      false,
    );
  });

  it("says which field is wrong", () => {
    const result = containerSpec.safeParse({
      image: "busybox",
      volumes: [{ source: "/etc", target: "data" }],
      env: [{ name: "A", value: "1" }, { name: "A", value: "2" }, { name: "B" }],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining(["volumes.0.source", "volumes.0.target", "env.1.name", "env.2.value"]),
    );
  });

  it("a kept value needs its source", () => {
    expect(containerSpec.safeParse({ image: "b", env: [{ name: "X", fromSource: true }] }).success).toBe(false);
    expect(
      containerSpec.safeParse({
        image: "b",
        env: [{ name: "X", fromSource: true }],
        source: { environmentId: "e", containerId: "c" },
      }).success,
    ).toBe(true);
  });
});

describe("the payload", () => {
  it("maps every plain field, and records where each mount and network came from", () => {
    const payload = toCreatePayload(
      parse({
        name: "web",
        env: [
          { name: "A", value: "1" },
          { name: "S", fromSource: true },
        ],
        source: { environmentId: "e", containerId: "c" },
        volumes: [{ source: "data", target: "/data" }],
        tmpfs: [{ target: "/run", sizeBytes: 1024 }],
        networks: [{ name: "front", aliases: ["w"] }, { name: "back" }],
        hostAccess: { bindMounts: [{ source: "/srv", target: "/srv" }], binds: ["/etc:/e"] },
      }),
      (name) => `kept-${name}`,
    );
    expect(payload.name).toBe("web");
    expect(payload.body.Env).toEqual(["A=1", "S=kept-S"]);
    expect(payload.body.HostConfig).toMatchObject({
      NetworkMode: "front",
      Mounts: [
        { Type: "volume", Source: "data", Target: "/data", ReadOnly: false },
        { Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: 1024 } },
        { Type: "bind", Source: "/srv", Target: "/srv", ReadOnly: false },
      ],
      Binds: ["/etc:/e"],
    });
    expect(payload.body.NetworkingConfig).toEqual({ EndpointsConfig: { front: { Aliases: ["w"] }, back: {} } });
    expect(specFieldOf("HostConfig.Mounts[2]", payload.origins)).toBe("hostAccess.bindMounts.0");
    expect(specFieldOf("HostConfig.Mounts[0].Source", payload.origins)).toBe("volumes.0");
    expect(specFieldOf("HostConfig.Binds[0]", payload.origins)).toBe("hostAccess.binds.0");
    expect(specFieldOf("NetworkingConfig.EndpointsConfig.back", payload.origins)).toBe("networks.1");
    expect(specFieldOf("HostConfig.Privileged", payload.origins)).toBe("hostAccess.privileged");
  });

  it("raw Engine fields never override a modelled one", () => {
    const payload = toCreatePayload(
      parse({ hostAccess: { raw: { HostConfig: { Privileged: true, ShmSize: 1 }, Config: { Image: "evil" } } } }),
    );
    expect(payload.body.Image).toBe("busybox:1.36");
    expect(payload.body.HostConfig).not.toHaveProperty("Privileged");
    expect(payload.body.HostConfig).toHaveProperty("ShmSize", 1);
  });
});

describe("raw Engine fields are judged as the engine reads them", () => {
  // Go's encoding/json matches field names without regard to case: `binds` is `Binds`.
  it("a differently spelt modelled field (a bind of the Docker socket, say) is a collision, not an unknown key", () => {
    const collisions = (raw: Record<string, unknown>) => rawCollisions(parse({ hostAccess: { raw } }));
    expect(collisions({ HostConfig: { binds: ["/var/run/docker.sock:/s"] } })).toEqual([
      "hostAccess.raw.HostConfig.Binds",
    ]);
    expect(collisions({ HostConfig: { MOUNTS: [{ type: "bind", source: "/run", target: "/x" }] } })).toEqual([
      "hostAccess.raw.HostConfig.Mounts",
    ]);
    expect(collisions({ Config: { hostconfig: { Privileged: true } } })).toEqual(["hostAccess.raw.Config.HostConfig"]);
    // Nor does a respelt one reach the engine beside the modelled one.
    const payload = toCreatePayload(parse({ hostAccess: { raw: { HostConfig: { binds: ["/:/host"] } } } }));
    expect(JSON.stringify(payload.body)).not.toContain("/host");
  });

  it("respells field names inside raw values, and keeps data keys as they are", () => {
    const payload = toCreatePayload(
      parse({
        hostAccess: { raw: { HostConfig: { logconfig: { type: "json-file", config: { "max-Size": "1m" } } } } },
      }),
    );
    expect(payload.body.HostConfig).toHaveProperty("LogConfig", { Type: "json-file", Config: { "max-Size": "1m" } });
  });
});

describe("docker command lines", () => {
  it("docker run with every flag, quoting what needs it, never a kept value", () => {
    expect(
      runCli(
        parse({
          name: "web",
          command: ["sh", "-c", "echo 'hi' && sleep 9"],
          entrypoint: ["/bin/env", "-i"],
          env: [
            { name: "GREETING", value: "hello world" },
            { name: "DB_PASSWORD", fromSource: true },
          ],
          source: { environmentId: "e", containerId: "c" },
          labels: { team: "ops" },
          restartPolicy: { name: "unless-stopped" },
          ports: [
            { containerPort: 80, hostPort: 8080, hostIp: "127.0.0.1" },
            { containerPort: 53, protocol: "udp" },
          ],
          volumes: [{ source: "data", target: "/data", readOnly: true }],
          tmpfs: [{ target: "/run", sizeBytes: 65536 }],
          networks: [{ name: "front", aliases: ["w"] }, { name: "back" }],
          resources: { memoryBytes: 512 * 1024 * 1024, cpus: 1.5, pidsLimit: 200 },
          user: "1000",
          workingDir: "/srv",
          healthcheck: { test: ["CMD", "true"], intervalSeconds: 10, timeoutSeconds: 1.5, retries: 3 },
          hostAccess: { privileged: true, capAdd: ["NET_ADMIN"], binds: ["/etc:/e:ro"] },
        }),
      ),
    ).toBe(
      "docker run -d --name web --restart unless-stopped -p 127.0.0.1:8080:80 -p 53/udp -v data:/data:ro " +
        "--tmpfs /run:size=65536 -v /etc:/e:ro --network front --network-alias w -e 'GREETING=hello world' " +
        '-e DB_PASSWORD="$DB_PASSWORD" -l team=ops --user 1000 --workdir /srv --memory 512m --cpus 1.5 ' +
        "--pids-limit 200 --health-cmd true --health-interval 10s --health-timeout 1500ms --health-retries 3 " +
        "--privileged --cap-add NET_ADMIN --entrypoint /bin/env busybox:1.36 -i sh -c 'echo '\\''hi'\\'' && sleep 9' " +
        "&& docker network connect back web",
    );
  });

  it("docker create when not started", () => {
    expect(runCli(parse({ start: false }))).toBe("docker create busybox:1.36");
  });

  it("docker container update", () => {
    expect(updateCli("abc", updateSpec.parse({ restartPolicy: { name: "on-failure", maximumRetryCount: 5 } }))).toBe(
      "docker container update --restart on-failure:5 abc",
    );
    expect(updateCli("abc", updateSpec.parse({ memoryBytes: 1 << 30, memorySwapBytes: -1, pidsLimit: 0 }))).toBe(
      "docker container update --memory 1g --memory-swap -1 --pids-limit -1 abc",
    );
  });

  it("quotes only when needed", () => {
    expect(shellQuote("plain-word_1.2:/x")).toBe("plain-word_1.2:/x");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("a b")).toBe("'a b'");
  });
});

describe("duplicate and edit", () => {
  const inspect = {
    Id: "0123456789abcdef".repeat(4),
    Name: "/web",
    Image: "sha256:img",
    Config: {
      Image: "busybox:1.36",
      Cmd: ["sleep", "600"],
      Entrypoint: null,
      Env: ["PATH=/bin", "DB_PASSWORD=s3cret", "MODE=prod"],
      Labels: { "org.opencontainers.image.title": "busybox", team: "ops", "com.docker.compose.project": "p" },
      User: "",
      WorkingDir: "",
      Hostname: "0123456789ab",
    },
    HostConfig: {
      RestartPolicy: { Name: "always", MaximumRetryCount: 0 },
      PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] },
      NetworkMode: "default",
      Memory: 64 << 20,
      NanoCpus: 0,
      PidsLimit: null,
      Privileged: true,
      CapAdd: ["NET_ADMIN"],
      CgroupnsMode: "host",
      IpcMode: "private",
      Runtime: "runc",
      ExtraHosts: ["db:1.2.3.4"],
      LogConfig: { Type: "json-file", Config: {} },
      ShmSize: 64 << 20,
    },
    Mounts: [
      { Type: "volume", Name: "data", Source: "/var/lib/docker/volumes/data/_data", Destination: "/data", RW: true },
      { Type: "bind", Source: "/srv", Destination: "/srv", RW: false },
      { Type: "volume", Name: "f".repeat(64), Source: "/x", Destination: "/anon", RW: true },
    ],
    NetworkSettings: { Networks: { bridge: { Aliases: null } } },
  } as unknown as Docker.ContainerInspectInfo;
  const image = { Cmd: ["sh"], Env: ["PATH=/bin"], Labels: { "org.opencontainers.image.title": "busybox" } };
  const source = { environmentId: "env", containerId: inspect.Id };

  it("leaves out what the image gives, keeps secrets on the server, and lists what it cannot carry", () => {
    const result = specOf(inspect, image, { hides: isSecretVariable, source });
    expect(result.spec).toEqual({
      image: "busybox:1.36",
      name: "web-copy",
      command: ["sleep", "600"],
      env: [
        { name: "DB_PASSWORD", fromSource: true },
        { name: "MODE", value: "prod" },
      ],
      source,
      labels: { team: "ops" },
      restartPolicy: { name: "always" },
      ports: [{ containerPort: 80, protocol: "tcp", hostPort: 8080 }],
      volumes: [{ source: "data", target: "/data", readOnly: false }],
      resources: { memoryBytes: 64 << 20 },
      start: true,
      hostAccess: {
        privileged: true,
        capAdd: ["NET_ADMIN"],
        bindMounts: [{ source: "/srv", target: "/srv", readOnly: true }],
      },
    });
    expect(JSON.stringify(result)).not.toContain("s3cret");
    expect(result.kept).toEqual(["DB_PASSWORD"]);
    expect(result.dropped).toEqual([
      "labels of the compose project, stack or service (com.docker.compose.project)",
      "the anonymous volume at /anon (the copy gets none)",
      "extra hosts",
    ]);
    // What comes back is a valid spec.
    expect(containerSpec.safeParse(result.spec).success).toBe(true);
  });

  it("gives the value to whoever may see secrets", () => {
    const result = specOf(inspect, image, { hides: () => false, source });
    expect(result.spec.env).toContainEqual({ name: "DB_PASSWORD", value: "s3cret" });
    expect(result.spec.source).toBeUndefined();
  });
});
