// The fleet against the real testbed: every kind of endpoint, the live picture following a
// container started beside Stevedore's back, and an engine frozen with SIGSTOP that costs the
// others nothing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import { timeUntil, waitUntil } from "../testing/wait-until";
import { EngineClient } from "./client";
import { testConnection } from "./connection-test";
import { DockerTimeoutError, DockerUnreachableError } from "./errors";
import { Fleet } from "./fleet";
import type { PictureEvent } from "./picture";
import type { EnvironmentDescriptor, EnvironmentStatus } from "./types";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const LABEL = { "stevedore.test": "fleet" };

const standalone: EnvironmentDescriptor = {
  id: "standalone",
  name: "standalone",
  url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
};
const manager: EnvironmentDescriptor = {
  id: "manager",
  name: "swarm manager",
  url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}`,
};
const worker: EnvironmentDescriptor = {
  id: "worker",
  name: "swarm worker",
  url: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}`,
};
const tlsFiles = {
  ca: readFileSync(need(testbed, "TESTBED_TLS_CA"), "utf8"),
  cert: readFileSync(need(testbed, "TESTBED_TLS_CERT"), "utf8"),
  key: readFileSync(need(testbed, "TESTBED_TLS_KEY"), "utf8"),
};
const tls: EnvironmentDescriptor = { id: "tls", name: "tls", url: need(testbed, "TESTBED_TLS_URL"), tls: tlsFiles };

function engine(socketName: string): Docker {
  return new Docker({ socketPath: need(testbed, socketName), version: "v1.41" });
}

/** A self-signed certificate from no CA the engine knows: what a user pastes by mistake. */
function strangerCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=stranger"],
        ...["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    return {
      cert: readFileSync(path.join(dir, "cert.pem"), "utf8"),
      key: readFileSync(path.join(dir, "key.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startSleeper(docker: Docker, name: string): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: fixture,
    Cmd: ["sleep", "300"],
    Labels: LABEL,
    name: `fleet-${name}-${process.pid}-${Date.now()}`,
  });
  await container.start();
  return container;
}

async function removeTestContainers(docker: Docker): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: ["stevedore.test=fleet"] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

const measured: Record<string, number> = {};

afterAll(async () => {
  await Promise.all(
    ["TESTBED_STANDALONE_SOCKET", "TESTBED_SWARM_MANAGER_SOCKET"].map((name) => removeTestContainers(engine(name))),
  );
  console.log("fleet measurements (ms):", JSON.stringify(measured));
});

describe("connecting to each kind of environment", () => {
  it("reads a standalone engine over its unix socket and pins API 1.41", async () => {
    const report = await testConnection(standalone);
    expect(report.swarm.role).toBe("standalone");
    expect(report.engine.apiVersion).toBe("1.41");
    expect(report.engine.cpus).toBeGreaterThan(0);
    expect(report.engine.memoryBytes).toBeGreaterThan(0);
  });

  it("recognises a swarm manager that sees three nodes, and a worker", async () => {
    expect((await testConnection(manager)).swarm).toMatchObject({ role: "manager", nodes: 3, managers: 1 });
    expect((await testConnection(worker)).swarm.role).toBe("worker");
  });

  it("reaches the TLS engine with the CA, client certificate and key", async () => {
    const report = await testConnection(tls);
    expect(report.engine.version).toMatch(/^20\.10/);
    expect(report.engine.osType).toBe("linux");
  });

  const unreachable: Array<[string, () => EnvironmentDescriptor, string, RegExp]> = [
    [
      "a client certificate the engine's CA did not sign",
      () => ({ ...tls, tls: { ca: tlsFiles.ca, ...strangerCertificate() } }),
      "tls",
      /rejected the client certificate/,
    ],
    [
      "a CA that did not sign the engine's certificate",
      () => ({ ...tls, tls: { ...tlsFiles, ca: strangerCertificate().cert } }),
      "tls",
      /not signed by the CA/,
    ],
    ["no certificates for a TLS port", () => ({ ...tls, tls: undefined }), "tls", /expects TLS/],
    // The standalone engine's address in this instance's test bed (its sshd listens there too).
    [
      "a closed port",
      () => ({ ...standalone, url: `tcp://${need(testbed, "TESTBED_SSH_HOST")}:2399` }),
      "refused",
      /refused the connection/,
    ],
    [
      "a unix socket that does not exist",
      () => ({ ...standalone, url: "unix:///tmp/stevedore-testbed/no-such.sock" }),
      "refused",
      /No Docker socket exists/,
    ],
    // A name that does not resolve would send a DNS query off this machine; errors.test.ts
    // checks that classification on a simulated resolver error instead.
    [
      "an HTTP server that is not Docker (the registry)",
      () => ({ ...standalone, url: `tcp://${need(testbed, "TESTBED_REGISTRY")}` }),
      "not-docker",
      /not a Docker engine/,
    ],
  ];
  it.each(unreachable)("says precisely what failed: %s", async (_what, descriptor, cause, message) => {
    const target = descriptor();
    const failure = await testConnection(target).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DockerUnreachableError);
    expect(failure).toMatchObject({ reason: cause, environmentId: target.id });
    expect((failure as Error).message).toMatch(message);
  });
});

describe("calls: deadlines, a cap per engine, coalesced reads", () => {
  it("shares one request among identical reads in flight", async () => {
    const client = new EngineClient(standalone);
    let requests = 0;
    const read = () =>
      client.call(
        "containers.list",
        async (docker) => {
          requests++;
          return docker.listContainers({ all: true });
        },
        { deadlineMs: 5_000, key: "containers:all" },
      );
    const answers = await Promise.all(Array.from({ length: 20 }, read));
    expect(requests).toBe(1);
    expect(new Set(answers).size).toBe(1);
    client.close();
  });

  it("keeps at most 8 calls in flight on one engine", async () => {
    const client = new EngineClient(standalone, { maxInFlight: 8 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 40 }, () =>
        client.call(
          "info",
          async (docker) => {
            peak = Math.max(peak, ++inFlight);
            try {
              return (await docker.info()) as unknown;
            } finally {
              inFlight--;
            }
          },
          { deadlineMs: 10_000 },
        ),
      ),
    );
    expect(peak).toBe(8);
    client.close();
  });
});

describe("the fleet over the testbed", () => {
  let fleet: Fleet;
  const statusLog: EnvironmentStatus[] = [];

  beforeAll(async () => {
    fleet = new Fleet({
      deadlineMs: 2_000,
      probeDeadlineMs: 1_000,
      pollIntervalMs: 2_000,
      backoff: { baseMs: 200, maxMs: 1_000 },
    });
    fleet.onStatus((status) => statusLog.push(status));
    for (const descriptor of [standalone, manager, worker, tls]) fleet.add(descriptor);
    await waitUntil(() => fleet.statuses().every((s) => s.state === "up" && s.pictureWarm), {
      ms: 15_000,
      everyMs: 5,
      what: "every environment up with a warm picture",
    });
  });

  afterAll(() => fleet?.close());

  it("tracks each environment's engine, role and counts", () => {
    const byId = new Map(fleet.statuses().map((s) => [s.environmentId, s]));
    expect(byId.get("standalone")).toMatchObject({ state: "up", swarm: { role: "standalone" } });
    expect(byId.get("manager")).toMatchObject({ swarm: { role: "manager", nodes: 3 }, counts: { nodes: 3 } });
    expect(byId.get("worker")?.swarm?.role).toBe("worker");
    for (const status of byId.values()) {
      expect(status.engine).toMatchObject({ apiVersion: "1.41", osType: "linux" });
      expect(status.engine?.cpus).toBeGreaterThan(0);
      expect(status.counts?.images).toBeGreaterThanOrEqual(1);
      expect(status.counts?.networks).toBeGreaterThanOrEqual(3);
    }
  });

  it("answers lists from the warm picture, with the swarm's nodes on the manager", async () => {
    const containers = await fleet.listContainers();
    expect(containers.errors).toEqual([]);
    expect(containers.sources.every((s) => s.source === "picture")).toBe(true);
    const nodes = await fleet.list("nodes", ["manager"]);
    expect(nodes.items.map((n) => n.hostname).sort()).toEqual(["swarm-mgr", "swarm-w1", "swarm-w2"]);
    expect((await fleet.list("services", ["worker"])).items).toEqual([]);
  });

  it("sees a container started directly on the engine, and its removal, from its events", async () => {
    const docker = engine("TESTBED_STANDALONE_SOCKET");
    const pushed: PictureEvent[] = [];
    const unsubscribe = fleet.subscribe((events) => pushed.push(...events), ["standalone"]);
    const inPicture = (id: string) => fleet.picture.get("standalone", "containers", id);
    try {
      const container = await startSleeper(docker, "live");
      // Deadlines here are upper bounds for a loaded machine; the figures are printed (measured).
      const appeared = await timeUntil(() => inPicture(container.id)?.state === "running", {
        ms: 15_000,
        everyMs: 5,
        what: "the container",
      });
      const pushedAt = pushed.findIndex(
        (e) => e.type === "upsert" && e.id === container.id && e.kind === "containers" && e.item.state === "running",
      );
      expect(pushedAt).toBeGreaterThanOrEqual(0);
      expect(inPicture(container.id)).toMatchObject({ image: fixture, labels: LABEL, command: "sleep 300" });
      measured["event→picture (start)"] = Math.round(appeared);

      await container.remove({ force: true });
      const gone = await timeUntil(() => inPicture(container.id) === undefined, {
        ms: 15_000,
        everyMs: 5,
        what: "the removal",
      });
      expect(pushed.some((e) => e.type === "remove" && e.id === container.id)).toBe(true);
      measured["event→picture (remove)"] = Math.round(gone);
    } finally {
      unsubscribe();
    }
  });

  it("reports an engine frozen with SIGSTOP as down, answers the others within the deadline, and resyncs after SIGCONT", async () => {
    const docker = engine("TESTBED_STANDALONE_SOCKET");
    const sleeper = await startSleeper(docker, "frozen");
    await waitUntil(() => fleet.picture.get("standalone", "containers", sleeper.id)?.state === "running", {
      ms: 15_000,
      everyMs: 5,
      what: "sleeper",
    });
    const sleeperPid = ((await sleeper.inspect()) as { State: { Pid: number } }).State.Pid;
    const dockerd = Number(readFileSync(path.join(need(testbed, "TESTBED_DIR"), "standalone", "dockerd.pid"), "utf8"));
    const ids = ["standalone", "manager", "worker", "tls"];
    const ping = (d: Docker) => d.listContainers({ all: true });

    process.kill(dockerd, "SIGSTOP");
    let thawedAt = 0;
    try {
      const first = performance.now();
      const frozen = await fleet.fanOut(ids, ping, { deadlineMs: 1_500 });
      const firstMs = performance.now() - first;
      measured["fan-out with a frozen host (deadline 1500)"] = Math.round(firstMs);
      expect(frozen.items.map((i) => i.environmentId)).toEqual(["manager", "worker", "tls"]);
      expect(frozen.errors).toMatchObject([{ environmentId: "standalone", code: "timeout" }]);
      // Without the deadline a frozen engine holds the call forever (the socket stays open and
      // silent): any finite bound proves it, and a loose one holds on a loaded machine.
      expect(firstMs).toBeLessThan(10_000);
      // The others answer at their own speed, not the frozen one's: none waited for the deadline.
      for (const item of frozen.items) expect(item.latencyMs).toBeLessThan(1_500);

      await waitUntil(() => fleet.status("standalone")?.state === "down", {
        ms: 15_000,
        everyMs: 5,
        what: "standalone reported down",
      });
      const down = fleet.status("standalone");
      expect(down).toMatchObject({ pictureWarm: false, lastError: { code: "unreachable", cause: "timeout" } });
      expect(statusLog.some((s) => s.environmentId === "standalone" && s.state === "down")).toBe(true);

      // Known down now: the next fan-out does not wait for it at all.
      const second = performance.now();
      const again = await fleet.fanOut(ids, ping, { deadlineMs: 1_500 });
      measured["fan-out with a host known down"] = Math.round(performance.now() - second);
      expect(again.errors).toMatchObject([{ environmentId: "standalone", code: "unreachable", cause: "timeout" }]);
      // Asking the frozen engine could not end before the 1.5 s deadline: ending earlier shows
      // that it was not asked.
      expect(again.errors[0]?.latencyMs).toBeLessThan(1_500);
      const list = await fleet.listContainers(ids);
      expect(list.errors.map((e) => e.environmentId)).toEqual(["standalone"]);
      expect(list.sources.map((s) => s.environmentId).sort()).toEqual(["manager", "tls", "worker"]);

      // Something changes while the engine cannot tell anyone: its container's process dies.
      process.kill(sleeperPid, "SIGKILL");
    } finally {
      process.kill(dockerd, "SIGCONT");
      thawedAt = performance.now();
    }

    await waitUntil(
      () => {
        const status = fleet.status("standalone");
        return status?.state === "up" && status.pictureWarm;
      },
      { ms: 15_000, everyMs: 5, what: "standalone up and resynced" },
    );
    measured["SIGCONT→up and resynced (backoff max 1000)"] = Math.round(performance.now() - thawedAt);
    await waitUntil(() => fleet.picture.get("standalone", "containers", sleeper.id)?.state === "exited", {
      ms: 15_000,
      everyMs: 5,
      what: "the container that died while frozen shown as exited",
    });
    expect(fleet.status("standalone")?.lastError).toBeUndefined();
    const resyncMs = fleet.diagnostics("standalone")?.watcher?.lastResyncMs;
    expect(resyncMs).toBeDefined();
    measured["full resync of the standalone engine"] = resyncMs ?? -1;
  });

  it("resynchronises periodically without reporting changes when nothing changed", async () => {
    const periodic = new Fleet({ watcher: { resyncIntervalMs: 200 } });
    const changes: PictureEvent[] = [];
    try {
      periodic.add(tls);
      await waitUntil(() => periodic.status("tls")?.pictureWarm === true, { ms: 15_000, everyMs: 5, what: "tls warm" });
      // "Up 3 minutes" / "Exited (0) 5 minutes ago" age on their own: a change of that text
      // alone is the engine's news, not a resync artefact.
      const withoutStatus = (item: unknown) => JSON.stringify({ ...(item as object), status: undefined });
      const known = new Map((periodic.picture.list("tls", "containers") ?? []).map((c) => [c.id, withoutStatus(c)]));
      const unsubscribe = periodic.subscribe((events) => changes.push(...events));
      const before = periodic.diagnostics("tls")?.watcher?.resyncs ?? 0;
      await waitUntil(() => (periodic.diagnostics("tls")?.watcher?.resyncs ?? 0) >= before + 3, {
        ms: 15_000,
        everyMs: 5,
        what: "3 resyncs",
      });
      unsubscribe();
      const real = changes.filter(
        (c) =>
          c.type === "remove" ||
          (c.type === "upsert" && !(c.kind === "containers" && known.get(c.id) === withoutStatus(c.item))),
      );
      expect(real).toEqual([]);
    } finally {
      periodic.close();
    }
  });

  it("pauses an environment: no polling, no errors, left out of fan-outs; resumes on demand", async () => {
    const paused = fleet.pause("worker");
    expect(paused).toMatchObject({ state: "paused", pictureWarm: false, degradedReasons: [] });
    const result = await fleet.fanOut(["worker", "manager"], (d) => d.ping());
    expect(result.paused).toEqual(["worker"]);
    expect(result.errors).toEqual([]);
    await expect(fleet.call("worker", "ping", (d) => d.ping())).rejects.toMatchObject({ code: "paused" });
    const resumed = await fleet.resume("worker");
    expect(resumed.state).toBe("up");
    await waitUntil(() => fleet.status("worker")?.pictureWarm === true, {
      ms: 15_000,
      everyMs: 5,
      what: "worker's picture warm again",
    });
  });

  it("gives a call on an unknown environment a typed error, and forgets a removed one", async () => {
    await expect(fleet.call("nope", "ping", (d) => d.ping())).rejects.toMatchObject({ code: "unknown-environment" });
    const extra = fleet.add({ ...tls, id: "tls-2" });
    expect(extra.state).toBe("unknown");
    expect(fleet.remove("tls-2")).toBe(true);
    expect(fleet.status("tls-2")).toBeUndefined();
    expect(fleet.picture.isWarm("tls-2")).toBe(false);
  });

  it("aborts a call at its deadline even when the engine never answers", async () => {
    const dockerd = Number(readFileSync(path.join(need(testbed, "TESTBED_DIR"), "standalone", "dockerd.pid"), "utf8"));
    const client = new EngineClient(standalone);
    await client.call("ping", (d) => d.ping(), { deadlineMs: 2_000 });
    process.kill(dockerd, "SIGSTOP");
    try {
      const started = performance.now();
      const failure = await client
        .call("info", (d) => d.info() as Promise<unknown>, { deadlineMs: 300 })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DockerTimeoutError);
      // Never answered: without the abort this call would hang; any finite bound proves it.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(client.inFlight).toBe(0);
    } finally {
      process.kill(dockerd, "SIGCONT");
      client.close();
    }
    await waitUntil(() => fleet.status("standalone")?.state === "up", {
      ms: 10_000,
      everyMs: 5,
      what: "standalone up after the second freeze",
    });
  });
});
