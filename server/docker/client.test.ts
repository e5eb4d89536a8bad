import { describe, expect, it } from "vitest";
import { EngineClient, dockerOptionsFor, negotiateApiVersion, parseEndpoint, redactUrl } from "./client";

describe("parseEndpoint", () => {
  it("reads the three kinds", () => {
    expect(parseEndpoint("unix:///var/run/docker.sock")).toEqual({ kind: "unix", socketPath: "/var/run/docker.sock" });
    expect(parseEndpoint("tcp://10.0.0.5:2376")).toEqual({ kind: "tcp", host: "10.0.0.5", port: 2376 });
    expect(parseEndpoint("tcp://docker.example")).toEqual({ kind: "tcp", host: "docker.example", port: 2375 });
    expect(parseEndpoint("tcp://[::1]:2375")).toEqual({ kind: "tcp", host: "::1", port: 2375 });
    expect(parseEndpoint("ssh://deploy@host.example:2222")).toEqual({
      kind: "ssh",
      host: "host.example",
      port: 2222,
      username: "deploy",
    });
  });

  it("refuses what it cannot use", () => {
    expect(() => parseEndpoint("unix://relative.sock")).toThrow(/absolute path/);
    expect(() => parseEndpoint("http://host:2375")).toThrow(/Use unix:\/\/, tcp:\/\/ or ssh:\/\//);
    expect(() => parseEndpoint("not a url")).toThrow(/Not an endpoint URL/);
  });
});

describe("dockerOptionsFor", () => {
  it("uses https only with TLS material, and sets every key so DOCKER_HOST cannot leak in", () => {
    const plain = dockerOptionsFor({ id: "a", name: "a", url: "tcp://h:2375" });
    expect(plain).toMatchObject({ host: "h", port: 2375, protocol: "http", socketPath: undefined, ca: undefined });
    expect(Object.keys(plain)).toEqual(expect.arrayContaining(["socketPath", "ca", "cert", "key", "timeout"]));
    const tls = dockerOptionsFor({ id: "b", name: "b", url: "tcp://h:2376", tls: { ca: "CA", cert: "C", key: "K" } });
    expect(tls).toMatchObject({ protocol: "https", ca: "CA", cert: "C", key: "K" });
  });

  it("talks HTTP over SSH channels: the modem never sees the ssh:// URL or the key", () => {
    const options = dockerOptionsFor({
      id: "s",
      name: "s",
      url: "ssh://root@h",
      ssh: { privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" },
    });
    expect(options).toMatchObject({ protocol: "http", host: "docker.example.com" });
    expect(JSON.stringify(options)).not.toContain("PRIVATE KEY");
  });

  it("constructs a client for each kind without connecting", () => {
    for (const url of ["unix:///x.sock", "tcp://h:2375", "ssh://u@h"]) {
      const client = new EngineClient({ id: "x", name: "x", url });
      expect(client.apiVersion).toBeUndefined();
      client.close();
    }
  });
});

describe("redactUrl", () => {
  it("hides a password in the endpoint, keeps the rest", () => {
    expect(redactUrl("ssh://deploy:s3cret@host:22")).toBe("ssh://deploy:***@host:22");
    expect(redactUrl("ssh://deploy@host")).toBe("ssh://deploy@host");
    expect(redactUrl("unix:///var/run/docker.sock")).toBe("unix:///var/run/docker.sock");
  });
});

describe("negotiateApiVersion", () => {
  it("takes the lower of the engine's and ours, never below the engine's minimum", () => {
    expect(negotiateApiVersion("1.41", "1.12", "1.45")).toBe("1.41");
    expect(negotiateApiVersion("1.51", "1.24", "1.45")).toBe("1.45");
    expect(negotiateApiVersion("1.52", "1.46", "1.45")).toBe("1.46");
    expect(negotiateApiVersion("1.9", undefined, "1.10")).toBe("1.9");
  });
});
