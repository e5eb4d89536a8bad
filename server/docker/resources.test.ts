// Engine payloads as API 1.41 returns them, trimmed to what a list needs and nothing secret.
import { describe, expect, it } from "vitest";
import { keyOf, trimContainer, trimImage, trimNetwork, trimNode, trimService, trimTask, trimVolume } from "./resources";

describe("trimming engine objects", () => {
  it("keeps what a container list needs, with compose and stack labels read out", () => {
    const summary = trimContainer({
      Id: "f00d",
      Names: ["/web-1"],
      Image: "nginx:1.27",
      ImageID: "sha256:abc",
      Command: "nginx -g 'daemon off;'",
      Created: 1_700_000_000,
      Ports: [
        { IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
        { PrivatePort: 443, Type: "tcp" },
      ],
      Labels: { "com.docker.compose.project": "shop", "com.docker.compose.service": "web" },
      State: "running",
      Status: "Up 3 minutes (healthy)",
      HostConfig: { NetworkMode: "shop_default" },
      NetworkSettings: { Networks: { shop_default: { NetworkID: "n1", IPAddress: "172.18.0.2", MacAddress: "x" } } },
      Mounts: [{ Type: "bind", Source: "/secret", Destination: "/etc/secret" }],
    });
    expect(summary).toEqual({
      id: "f00d",
      name: "web-1",
      names: ["web-1"],
      image: "nginx:1.27",
      imageId: "sha256:abc",
      command: "nginx -g 'daemon off;'",
      state: "running",
      status: "Up 3 minutes (healthy)",
      health: "healthy",
      created: 1_700_000_000,
      ports: [
        { ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" },
        { privatePort: 443, type: "tcp" },
      ],
      labels: { "com.docker.compose.project": "shop", "com.docker.compose.service": "web" },
      networks: [{ name: "shop_default", networkId: "n1", ip: "172.18.0.2" }],
      volumes: [],
      compose: { project: "shop", service: "web" },
    });
  });

  it("names the volumes a container mounts, never host paths", () => {
    const summary = trimContainer({
      Id: "c1",
      Names: ["/db"],
      Mounts: [
        {
          Type: "volume",
          Name: "pgdata",
          Source: "/var/lib/docker/volumes/pgdata/_data",
          Destination: "/var/lib/postgresql",
        },
        { Type: "bind", Source: "/etc/ssl", Destination: "/etc/ssl" },
      ],
    });
    expect(summary.volumes).toEqual(["pgdata"]);
    expect(JSON.stringify(summary)).not.toContain("/etc/ssl");
  });

  it("reads a network's IPAM pools and whether an overlay is encrypted", () => {
    const network = trimNetwork({
      Id: "n1",
      Name: "backend",
      Driver: "overlay",
      EnableIPv6: false,
      IPAM: { Config: [{ Subnet: "10.9.0.0/24", Gateway: "10.9.0.1", IPRange: "10.9.0.128/25" }] },
      Options: { encrypted: "" },
    });
    expect(network).toMatchObject({
      subnets: ["10.9.0.0/24"],
      ipam: [{ subnet: "10.9.0.0/24", gateway: "10.9.0.1", ipRange: "10.9.0.128/25" }],
      encrypted: true,
      ipv6: false,
    });
  });

  it("drops untagged placeholders from images and keeps volume options out", () => {
    const image = trimImage({ Id: "sha256:1", RepoTags: ["<none>:<none>"], RepoDigests: [], Created: 5, Size: 9 });
    expect(image).toMatchObject({ tags: [], digests: [], containers: -1 });
    const volume = trimVolume({
      Name: "data",
      Driver: "local",
      Scope: "local",
      Options: { type: "cifs", o: "username=u,password=hunter2" },
      Labels: null,
    });
    expect(volume).toEqual({ name: "data", driver: "local", scope: "local", labels: {} });
    expect(JSON.stringify(volume)).not.toContain("hunter2");
    expect(keyOf("volumes", volume)).toBe("data");
  });

  it("reads swarm nodes, services and tasks without their secrets", () => {
    const node = trimNode({
      ID: "n1",
      Spec: { Role: "manager", Availability: "active", Labels: {} },
      Description: {
        Hostname: "swarm-mgr",
        Resources: { NanoCPUs: 2e9, MemoryBytes: 1024 },
        Engine: { EngineVersion: "20.10" },
      },
      Status: { State: "ready", Addr: "10.201.0.11" },
      ManagerStatus: { Leader: true, Reachability: "reachable" },
    });
    expect(node).toMatchObject({ hostname: "swarm-mgr", role: "manager", leader: true, cpus: 2, state: "ready" });
    const service = trimService({
      ID: "s1",
      Spec: {
        Name: "shop_web",
        Labels: { "com.docker.stack.namespace": "shop" },
        Mode: { Replicated: { Replicas: 3 } },
        TaskTemplate: { ContainerSpec: { Image: "nginx", Env: ["DB_PASSWORD=hunter2"] } },
      },
      Endpoint: { Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" }] },
    });
    expect(service).toMatchObject({ name: "shop_web", mode: "replicated", replicas: 3, stack: { namespace: "shop" } });
    expect(JSON.stringify(service)).not.toContain("hunter2");
    const task = trimTask({
      ID: "t1",
      ServiceID: "s1",
      NodeID: "n1",
      Slot: 1,
      DesiredState: "running",
      Status: { State: "running", Message: "started", ContainerStatus: { ContainerID: "c1" } },
      Spec: { ContainerSpec: { Image: "nginx", Env: ["DB_PASSWORD=hunter2"] } },
    });
    expect(task).toMatchObject({ slot: 1, state: "running", containerId: "c1", image: "nginx" });
    expect(JSON.stringify(task)).not.toContain("hunter2");
  });
});
