// The testbed is real: three swarm nodes in their own network namespaces, a standalone
// engine, a TLS engine and an authenticated registry, all reachable through dockerode.
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { describe, expect, inject, it } from "vitest";
import { need } from "../server/testing/testbed-env";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");

function unixEngine(name: string) {
  return new Docker({ socketPath: need(testbed, name), version: "v1.41" });
}

function tlsEngine() {
  const url = new URL(need(testbed, "TESTBED_TLS_URL").replace(/^tcp:/, "https:"));
  return new Docker({
    protocol: "https",
    host: url.hostname,
    port: Number(url.port),
    ca: readFileSync(need(testbed, "TESTBED_TLS_CA")),
    cert: readFileSync(need(testbed, "TESTBED_TLS_CERT")),
    key: readFileSync(need(testbed, "TESTBED_TLS_KEY")),
    version: "v1.41",
  });
}

/** Runs the fixture image to completion and returns what it printed. */
async function runFixture(docker: Docker, script: string): Promise<string> {
  const container = await docker.createContainer({ Image: fixture, Cmd: ["sh", "-c", script], Tty: true });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    expect(StatusCode).toBe(0);
    return (await container.logs({ stdout: true, stderr: true })).toString();
  } finally {
    await container.remove({ force: true });
  }
}

describe("scripts/testbed", () => {
  it("runs a three-node swarm with distinct hostnames, all ready", async () => {
    type Node = { Description?: { Hostname?: string }; Status?: { State?: string }; Spec?: { Role?: string } };
    const nodes = (await unixEngine("TESTBED_SWARM_MANAGER_SOCKET").listNodes()) as Node[];
    expect(nodes).toHaveLength(3);
    const hostnames = new Set(nodes.map((n) => n.Description?.Hostname));
    expect(hostnames.size).toBe(3);
    expect(nodes.every((n) => n.Status?.State === "ready")).toBe(true);
    expect(nodes.filter((n) => n.Spec?.Role === "manager")).toHaveLength(1);
  });

  it.each([
    ["standalone", () => unixEngine("TESTBED_STANDALONE_SOCKET")],
    ["swarm manager", () => unixEngine("TESTBED_SWARM_MANAGER_SOCKET")],
    ["swarm worker", () => unixEngine("TESTBED_SWARM_WORKER1_SOCKET")],
    ["TLS engine (client certificate)", tlsEngine],
  ])("runs a container from the fixture image on the %s", async (_kind, engine) => {
    expect(await runFixture(engine(), "echo hello from $(hostname)")).toMatch(/hello from \w+/);
  });

  it("refuses the TLS engine to a client without a certificate", async () => {
    const url = new URL(need(testbed, "TESTBED_TLS_URL").replace(/^tcp:/, "https:"));
    const anonymous = new Docker({
      protocol: "https",
      host: url.hostname,
      port: Number(url.port),
      ca: readFileSync(need(testbed, "TESTBED_TLS_CA")),
      version: "v1.41",
    });
    await expect(anonymous.ping()).rejects.toThrow();
  });

  it("serves the fixture from the registry to a worker that logs in, and not to one that does not", async () => {
    const worker = unixEngine("TESTBED_SWARM_WORKER2_SOCKET");
    const image = `${need(testbed, "TESTBED_REGISTRY")}/stevedore-fixture/busybox:latest`;
    const pull = async (authconfig?: object) => {
      const stream = await worker.pull(image, authconfig ? { authconfig } : {});
      await new Promise<void>((resolve, reject) =>
        worker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
      );
    };
    await worker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    await expect(pull()).rejects.toThrow(/no basic auth credentials|unauthorized|authentication required/i);
    await pull({
      username: need(testbed, "TESTBED_REGISTRY_USER"),
      password: need(testbed, "TESTBED_REGISTRY_PASSWORD"),
      serveraddress: need(testbed, "TESTBED_REGISTRY"),
    });
    expect((await worker.getImage(image).inspect()).RepoTags).toContain(image);
  });
});
