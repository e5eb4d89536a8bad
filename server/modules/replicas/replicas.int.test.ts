// Replicas over one database, in one process: two audit writers (each replica has its own queue)
// write one chain and record a fact both observe once; two buses (each replica listens on its
// own connection) hear each other and nobody else; a fleet follows the saved environments.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../audit/verify";
import { AuditWriter } from "../../audit/writer";
import { Fleet } from "../../docker/index";
import { openHarness, type Harness } from "../../testing/harness";
import { waitUntil } from "../../testing/wait-until";
import { prepareFirstStart, setupCodeMatches, SETUP_CODE_FILE } from "../identity/first-start";
import { REPLICA_CHANNEL, ReplicaBus } from "./bus";
import { FleetSync } from "./fleet-sync";

let h: Harness;
const key = () => h.services.secrets.deriveKey("audit-chain");
/** A second replica's writer: its own queue and batches, the same chain key and database. */
let other: AuditWriter;
const realPostgres = Boolean(process.env.DATABASE_URL);

beforeAll(async () => {
  h = await openHarness();
  other = new AuditWriter(h.prisma, { chainKey: key() });
});
afterAll(async () => {
  await other?.close();
  await h?.close();
});
beforeEach(async () => {
  await Promise.all([h.services.audit.settled(), other.settled()]);
  await h.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent", "AuditCheckpoint"`);
});

describe("two replicas' audit writers", () => {
  it("write one gapless chain however their batches interleave", async () => {
    const writers = [h.services.audit, other];
    const work = writers.flatMap((writer, w) =>
      Array.from({ length: 150 }, async (_, i) => {
        if (i % 3) return writer.record({ action: "tokens.create", actorUsername: `r${w}` }, { outcome: "ok" });
        const id = await writer.begin({ action: "containers.restart", actorUsername: `r${w}`, targetId: `c${i}` });
        await writer.complete(id, { outcome: "ok", durationMs: i });
        return id;
      }),
    );
    await Promise.all(work);
    const rows = await h.prisma.$queryRaw<{ seq: bigint }[]>`
      SELECT "chainSeq" AS seq FROM "AuditEvent" UNION ALL
      SELECT "completionSeq" FROM "AuditEvent" WHERE "completionSeq" IS NOT NULL ORDER BY seq`;
    // Every link numbered once, no gap, no fork: 300 events and 100 completions.
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(await verifyAuditChain(h.prisma, { chainKey: key() })).toMatchObject({ ok: true, checked: 400 });
  });

  it("record what both observe (a rollout's end) once, and different ends each", async () => {
    const entry = { action: "services.rollout", environmentId: "env1", targetKind: "service", targetId: "svc1" };
    const ended = (state: string) => ({ params: { startedAt: "2026-12-06T12:00:00Z", state }, withinMs: 60_000 });
    const params = (state: string) => ({ startedAt: "2026-12-06T12:00:00Z", state, message: "update completed" });
    const heard: string[] = [];
    const listen = (id: string) => heard.push(id);
    h.services.audit.events.on("event", listen);
    other.events.on("event", listen);
    try {
      await Promise.all([
        h.services.audit.recordOnce({ ...entry, params: params("completed") }, { outcome: "ok" }, ended("completed")),
        other.recordOnce({ ...entry, params: params("completed") }, { outcome: "ok" }, ended("completed")),
        other.recordOnce({ ...entry, params: params("completed") }, { outcome: "ok" }, ended("completed")),
      ]);
      // The same service's next rollout end (another state) is a fact of its own.
      await other.recordOnce({ ...entry, params: params("paused") }, { outcome: "error" }, ended("paused"));
    } finally {
      h.services.audit.events.off("event", listen);
      other.events.off("event", listen);
    }
    const rows = await h.prisma.auditEvent.findMany({
      where: { action: "services.rollout" },
      orderBy: { chainSeq: "asc" },
    });
    expect(rows.map((r) => (r.params as { state: string }).state)).toEqual(["completed", "paused"]);
    // Only what was written is announced to live tails.
    expect(heard.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await verifyAuditChain(h.prisma, { chainKey: key() })).toMatchObject({ ok: true, checked: 2 });
  });
});

describe.skipIf(!realPostgres)("the replica bus (LISTEN/NOTIFY on the shared Postgres)", () => {
  it("carries one replica's events to the other, not back to itself, and ignores strangers", async () => {
    const url = process.env.DATABASE_URL!;
    const heard = { a: [] as string[], b: [] as string[] };
    const missed = { a: 0, b: 0 };
    const busFor = (name: "a" | "b") =>
      new ReplicaBus({
        databaseUrl: url,
        notify: async (channel, payload) => {
          await h.prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
        },
        handlers: { events: (ids) => heard[name].push(...ids), missed: () => missed[name]++ },
      });
    const a = busFor("a");
    const b = busFor("b");
    try {
      await a.start();
      // Alone on the database: an interrupted action left open can only be a stopped replica's.
      expect(await a.alone()).toBe(true);
      await b.start();
      expect(missed).toEqual({ a: 1, b: 1 });
      expect([await a.alone(), await b.alone()]).toEqual([false, false]);
      // Someone else on the database sends junk on the channel: ignored, nothing breaks.
      await h.prisma.$executeRaw`SELECT pg_notify(${REPLICA_CHANNEL}, ${"not json"})`;
      await h.prisma.$executeRaw`SELECT pg_notify(${REPLICA_CHANNEL}, ${JSON.stringify({ from: "x", events: [1] })})`;
      // More ids than one NOTIFY can carry (8000 bytes): sliced, all delivered, in order.
      const ids = Array.from({ length: 400 }, (_, i) => `ev${String(i).padStart(30, "0")}`);
      for (const id of ids) a.announce(id);
      b.announce("from-b");
      await waitUntil(() => heard.b.length === ids.length && heard.a.length === 1, { ms: 20_000, everyMs: 20 });
      expect(heard.b).toEqual(ids);
      expect(heard.a).toEqual(["from-b"]);
      await b.close();
      await waitUntil(() => a.alone(), { ms: 20_000, everyMs: 20 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("listens again after its connection is cut, and says what it may have missed", async () => {
    const url = process.env.DATABASE_URL!;
    let missed = 0;
    const heard: string[] = [];
    const bus = new ReplicaBus({
      databaseUrl: url,
      retryMs: 50,
      log: () => undefined,
      notify: async (channel, payload) => {
        await h.prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
      },
      handlers: { events: (ids) => heard.push(...ids), missed: () => missed++ },
    });
    const sender = new ReplicaBus({
      databaseUrl: url,
      notify: async (channel, payload) => {
        await h.prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
      },
      handlers: { events: () => undefined, missed: () => undefined },
    });
    try {
      await Promise.all([bus.start(), sender.start()]);
      // What an administrator or a failover does to a connection: the server ends it.
      await h.prisma.$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'stevedore-replicas' AND datname = current_database() AND pid <> pg_backend_pid()`;
      await waitUntil(() => missed >= 2, { ms: 20_000, everyMs: 20 });
      // Both were cut; once both listen again, messages flow.
      await waitUntil(
        async () => {
          sender.announce("after");
          await new Promise((resolve) => setTimeout(resolve, 100));
          return heard.includes("after");
        },
        { ms: 20_000, everyMs: 20 },
      );
    } finally {
      await Promise.all([bus.close(), sender.close()]);
    }
  });
});

describe("a replica's fleet follows the saved environments", () => {
  it("adds, renames, pauses and removes what another replica changed", async () => {
    const fleet = new Fleet({ pollIntervalMs: 60_000 });
    const sync = new FleetSync(h.prisma, h.services.secrets, fleet, () => undefined);
    try {
      const kept = await h.makeEnvironment("kept");
      fleet.add({ id: kept.id, name: kept.name, url: kept.url }, { paused: true });
      await sync.sync();
      // Another replica adds one, renames and pauses the other.
      const added = await h.prisma.environment.create({ data: { name: "added", url: "unix:///var/run/nothing.sock" } });
      await h.prisma.environment.update({ where: { id: kept.id }, data: { name: "renamed" } });
      await sync.sync();
      expect(fleet.environmentIds().sort()).toEqual([added.id, kept.id].sort());
      expect(fleet.status(kept.id)?.name).toBe("renamed");
      await h.prisma.environment.update({ where: { id: added.id }, data: { paused: true } });
      await h.prisma.environment.delete({ where: { id: kept.id } });
      await sync.sync();
      expect(fleet.environmentIds()).toEqual([added.id]);
      expect(fleet.status(added.id)?.state).toBe("paused");
    } finally {
      fleet.close();
    }
  });
});

describe("replicas starting together on a new database", () => {
  const emptyOfUsers = async () => {
    await h.prisma.$executeRawUnsafe(`TRUNCATE "User", "Setting" CASCADE`);
  };
  const twoDataDirs = () => Promise.all([0, 1].map(() => mkdtemp(path.join(os.tmpdir(), "stevedore-first-start-"))));

  it("make one configured first administrator; the other replica finds setup done", async () => {
    await emptyOfUsers();
    const dirs = await twoDataDirs();
    try {
      const firstAdmin = { username: "chief", password: "first administrator passphrase" };
      const starts = await Promise.all(dirs.map((dataDir) => prepareFirstStart(h.prisma, { dataDir, firstAdmin })));
      expect(starts.map((s) => s.kind).sort()).toEqual(["configured", "done"]);
      expect(await h.prisma.user.count()).toBe(1);
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });

  it("each print a setup code, and either code claims the setup", async () => {
    await emptyOfUsers();
    const dirs = await twoDataDirs();
    try {
      for (const dataDir of dirs) await prepareFirstStart(h.prisma, { dataDir, firstAdmin: null });
      const codes = await Promise.all(
        dirs.map(async (dir) => (await readFile(path.join(dir, SETUP_CODE_FILE), "utf8")).trim()),
      );
      expect(new Set(codes).size).toBe(2);
      for (const code of codes) expect(await setupCodeMatches(h.prisma, code)).toBe(true);
      expect(await setupCodeMatches(h.prisma, "AAAAA-AAAAA-AAAAA-AAAAA")).toBe(false);
      // A replica restarting keeps its code; the other's stays good.
      await prepareFirstStart(h.prisma, { dataDir: dirs[0]!, firstAdmin: null });
      for (const code of codes) expect(await setupCodeMatches(h.prisma, code)).toBe(true);
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
