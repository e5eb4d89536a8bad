// npm run bench:audit-flood: what a flood of anonymous refused calls costs an operator, and
// whether the audit trail loses anything under it (issue #11 item 4).
//
//   npm run bench:audit-flood                          embedded database (and Postgres, see below)
//   npm run bench:audit-flood -- --calls 10000 --restarts 20 --connections 16
//   BENCH_DATABASE_URL=postgresql://…/stevedore_bench  also on that Postgres (emptied first; its
//                                                      name must contain bench, test or ci)
//
// On each database: a real server, a container on the testbed's standalone engine, an Operator
// with an API token. First the operator restarts the container RESTARTS times alone (the raw
// engine's own restart is timed beside it); then again while CONNECTIONS connections send
// CALLS anonymous refused calls (single mutations, full batches of queries, single queries),
// the flood going on until both the calls are sent and the restarts are done. Then the trail is
// read back: every restart must be there as succeeded, and every refused call accounted for
// (recorded whole, or counted into a grouped event). Finally the server stops and starts again
// on the same data, and the chain must verify. Prints a table, then
//   RESULT audit.flood.<db>.operator_latency.ratio   operator median during the flood / alone
//   RESULT audit.flood.<db>.missing_events           restarts and refused calls not on the trail
//   RESULT audit.flood.operator_latency.ratio        the worst of the databases (target <= 3)
//   RESULT audit.flood.missing_events                the sum over the databases (target 0)
import http from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Docker from "dockerode";
import pg from "pg";
import { send } from "./support/http";
import { summarize } from "./support/stats";
import {
  killActiveServersNow,
  preferredMode,
  signInWithToken,
  sleep,
  StevedoreApi,
  StevedoreServer,
  unwrap,
} from "./support/stevedore";
import { testbedEngines, testbedUp, type Engine } from "./support/testbed";

const repoRoot = path.resolve(import.meta.dirname, "..");
const FIXTURE_IMAGE = "stevedore-fixture/busybox:latest";
const BATCH = 10;
const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "10000" },
    restarts: { type: "string", default: "20" },
    connections: { type: "string", default: "16" },
  },
});
const CALLS = Number(args.calls);
const RESTARTS = Number(args.restarts);
const CONNECTIONS = Number(args.connections);
for (const [name, value] of [
  ["--calls", CALLS],
  ["--restarts", RESTARTS],
  ["--connections", CONNECTIONS],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number above 0`);
}
const log = (line: string) => console.log(line);

interface Outcome {
  db: string;
  aloneMs: number[];
  floodedMs: number[];
  rawMs: number[];
  sent: number;
  floodSeconds: number;
  restartsOnTrail: number;
  refusalsAccounted: number;
  refusalRows: number;
  restartedCleanly: boolean;
  verified: boolean;
}

/** One anonymous refused request (the flood's i-th); resolves with how many calls it carried. */
function refusedRequest(origin: URL, agent: http.Agent, i: number): Promise<number> {
  const kind = i % 3;
  const calls = kind === 1 ? BATCH : 1;
  const target =
    kind === 0
      ? "/api/trpc/containers.restart"
      : kind === 1
        ? `/api/trpc/${Array(calls).fill("containers.list").join(",")}?batch=1`
        : "/api/trpc/users.list";
  return send(
    false,
    {
      host: origin.hostname,
      port: origin.port,
      path: target,
      method: kind === 0 ? "POST" : "GET",
      agent,
      headers: { "content-type": "application/json", "user-agent": "audit-flood" },
    },
    kind === 0 ? JSON.stringify({ environmentId: "nowhere", id: "nothing" }) : undefined,
  ).then((answer) => {
    if (answer.status !== 401) throw new Error(`a refused call answered HTTP ${answer.status}`);
    return calls;
  });
}

interface TrailEvent {
  action: string;
  outcome: string;
  actorUsername: string | null;
  userAgent: string | null;
  params: { repeatedRefusals?: number } | null;
}

async function trail(api: StevedoreApi): Promise<TrailEvent[]> {
  const { content } = await api.query<{ content: string }>("audit.export", { format: "ndjson" });
  return content
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrailEvent);
}

const accounted = (events: TrailEvent[]) =>
  events
    .filter((e) => e.userAgent === "audit-flood" && e.outcome === "denied")
    .reduce((sum, e) => sum + (e.params?.repeatedRefusals ?? 1), 0);

/** An Operator with a token of their own: signed in once (cookie), the token made with it. */
async function operatorApi(server: StevedoreServer, admin: StevedoreApi): Promise<StevedoreApi> {
  const password = "restarts the bench container daily";
  const user = await admin.mutate<{ id: string }>("users.create", { username: "bench-operator", password });
  const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
  await admin.mutate("bindings.create", {
    roleId: roles.find((r) => r.name === "Operator")!.id,
    userId: user.id,
    environmentId: null,
  });
  const anonymous = new StevedoreApi(server.origin, {});
  try {
    const login = await anonymous.post("auth.login", { username: "bench-operator", password });
    unwrap("auth.login", login);
    const cookie = [login.headers["set-cookie"] ?? []]
      .flat()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { token } = await anonymous.mutate<{ token: string }>(
      "tokens.create",
      { name: "bench-operator", expiresInDays: 1 },
      { cookie, origin: server.origin },
    );
    return new StevedoreApi(server.origin, { authorization: `Bearer ${token}` });
  } finally {
    anonymous.close();
  }
}

async function emptyPostgres(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/(bench|test|ci)/i.test(name)) {
    throw new Error(
      `BENCH_DATABASE_URL names "${name}": the bench empties it, so its name must contain bench, test or ci`,
    );
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE");
    await client.query("CREATE SCHEMA public");
  } finally {
    await client.end();
  }
}

async function runOn(
  db: string,
  databaseUrl: string | undefined,
  engine: Engine,
  apiVersion: string,
): Promise<Outcome> {
  log(`\n--- ${db}`);
  if (databaseUrl) await emptyPostgres(databaseUrl);
  const docker = new Docker({ socketPath: engine.adminSocket, version: `v${apiVersion}` });
  const container = await docker.createContainer({
    Image: FIXTURE_IMAGE,
    name: `stevedore-bench-audit-flood-${process.pid}-${db}`,
    // Ends at once on SIGTERM (wait is interrupted; a plain sleep would finish first).
    Cmd: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 600 & wait $!; done"],
    Labels: { "stevedore.bench": "audit-flood" },
  });
  let server: StevedoreServer | undefined;
  const apis: StevedoreApi[] = [];
  try {
    await container.start();
    server = await StevedoreServer.start({ repoRoot, mode: preferredMode(repoRoot), watch: true, log, databaseUrl });
    const admin = await signInWithToken(server);
    apis.push(admin);
    const environment = await admin.mutate<{ id: string }>("environments.create", {
      name: "standalone",
      url: engine.url,
    });
    const operator = await operatorApi(server, admin);
    apis.push(operator);
    const restart = async () => {
      const started = performance.now();
      await operator.mutate("containers.restart", {
        environmentId: environment.id,
        id: container.id,
        timeoutSeconds: 1,
      });
      return performance.now() - started;
    };
    const rawRestart = async () => {
      const started = performance.now();
      await container.restart({ t: 1 });
      return performance.now() - started;
    };

    // Alone, the raw engine's restart interleaved as the floor.
    await restart(); // warm: the first call pays for connections and caches
    const aloneMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      aloneMs.push(await restart());
      rawMs.push(await rawRestart());
    }
    log(
      `  alone: operator restart median ${summarize(aloneMs).median.toFixed(0)} ms (raw engine ${summarize(rawMs).median.toFixed(0)} ms)`,
    );

    // The flood, with the same restarts inside it.
    const origin = new URL(server.origin);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let sent = 0;
    let next = 0;
    let restartsDone = false;
    const floodStarted = performance.now();
    const flood = Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (sent < CALLS || !restartsDone) {
          const calls = await refusedRequest(origin, agent, next++);
          sent += calls; // not `sent += await …`: that would add to the value read before waiting
        }
      }),
    );
    const floodedMs: number[] = [];
    try {
      await sleep(500); // the flood is under way
      for (let i = 0; i < RESTARTS; i++) floodedMs.push(await restart());
    } finally {
      restartsDone = true;
    }
    await flood;
    const floodSeconds = (performance.now() - floodStarted) / 1000;
    agent.destroy();
    log(
      `  flood: ${sent} refused calls in ${floodSeconds.toFixed(1)} s (${Math.round(sent / floodSeconds)}/s); ` +
        `operator restart median ${summarize(floodedMs).median.toFixed(0)} ms`,
    );

    // The trail: grouped refusals land when their window ends.
    let events = await trail(admin);
    const deadline = Date.now() + 60_000;
    while (accounted(events) < sent && Date.now() < deadline) {
      await sleep(1000);
      events = await trail(admin);
    }
    const restartsOnTrail = events.filter(
      (e) => e.action === "containers.restart" && e.actorUsername === "bench-operator" && e.outcome === "ok",
    ).length;
    const refusalRows = events.filter((e) => e.userAgent === "audit-flood").length;
    log(
      `  trail: ${restartsOnTrail} restarts ok; ${accounted(events)} of ${sent} refused calls in ${refusalRows} event(s)`,
    );

    // A clean stop and start on the same data; the chain verifies (read as the administrator,
    // with a token made now: tokens outlive the restart).
    const { token: adminToken } = await admin.mutate<{ token: string }>("tokens.create", {
      name: "after-restart",
      expiresInDays: 1,
    });
    const dataDir = server.dataDir;
    const code = await server.stop({ keepData: true });
    server = await StevedoreServer.start({
      repoRoot,
      mode: preferredMode(repoRoot),
      watch: true,
      log,
      databaseUrl,
      dataDir,
    }).catch((error: unknown) => {
      log(`  the server did not start again: ${(error as Error).message}`);
      return undefined;
    });
    let verified = false;
    if (server) {
      const again = new StevedoreApi(server.origin, { authorization: `Bearer ${adminToken}` });
      apis.push(again);
      verified = (await again.query<{ ok: boolean }>("audit.verify")).ok;
    }
    log(
      `  stop exit code ${code}; started again: ${server ? "yes" : "NO"}; chain verified: ${verified ? "yes" : "NO"}`,
    );
    return {
      db,
      aloneMs,
      floodedMs,
      rawMs,
      sent,
      floodSeconds,
      restartsOnTrail,
      refusalsAccounted: accounted(events),
      refusalRows,
      restartedCleanly: code === 0 && Boolean(server),
      verified,
    };
  } finally {
    for (const api of apis) api.close();
    await server?.stop();
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  let { engines, apiVersion } = testbedEngines(repoRoot);
  if (!existsSync(engines[0]!.adminSocket)) {
    testbedUp(repoRoot);
    ({ engines, apiVersion } = testbedEngines(repoRoot));
  }
  const standalone = engines.find((e) => e.name === "standalone")!;
  const databases: [string, string | undefined][] = [["embedded", undefined]];
  if (process.env.BENCH_DATABASE_URL) databases.push(["postgres", process.env.BENCH_DATABASE_URL]);
  else log("BENCH_DATABASE_URL is not set: measuring the embedded database only");

  const outcomes: Outcome[] = [];
  for (const [db, url] of databases) outcomes.push(await runOn(db, url, standalone, apiVersion));

  log(`\n${CALLS} anonymous refused calls (at least) on ${CONNECTIONS} connections, ${RESTARTS} operator restarts`);
  log("  database   alone ms  flooded ms  raw ms  ratio  calls/s  missing  rows  restarted verified");
  let worstRatio = 0;
  let missingTotal = 0;
  const results: string[] = [];
  for (const o of outcomes) {
    const alone = summarize(o.aloneMs).median;
    const flooded = summarize(o.floodedMs).median;
    const ratio = flooded / alone;
    // Every restart the operator made (one to warm up, then alone, then in the flood), every refused call.
    const missing = Math.max(0, 2 * RESTARTS + 1 - o.restartsOnTrail) + Math.max(0, o.sent - o.refusalsAccounted);
    worstRatio = Math.max(worstRatio, ratio);
    missingTotal += missing;
    log(
      `  ${o.db.padEnd(10)} ${alone.toFixed(0).padStart(8)} ${flooded.toFixed(0).padStart(11)} ` +
        `${summarize(o.rawMs).median.toFixed(0).padStart(7)} ${ratio.toFixed(2).padStart(6)} ` +
        `${Math.round(o.sent / o.floodSeconds)
          .toString()
          .padStart(8)} ${String(missing).padStart(8)} ${String(o.refusalRows).padStart(5)}  ` +
        `${o.restartedCleanly ? "yes" : "NO "}       ${o.verified ? "yes" : "NO"}`,
    );
    results.push(
      `RESULT audit.flood.${o.db}.operator_latency.ratio ${ratio.toFixed(2)}`,
      `RESULT audit.flood.${o.db}.missing_events ${missing}`,
      `RESULT audit.flood.${o.db}.restarted_cleanly ${o.restartedCleanly && o.verified ? 1 : 0}`,
    );
  }
  log("");
  for (const line of results) console.log(line);
  console.log(`RESULT audit.flood.operator_latency.ratio ${worstRatio.toFixed(2)}`);
  console.log(`RESULT audit.flood.missing_events ${missingTotal}`);
}

process.on("SIGINT", () => {
  killActiveServersNow();
  process.exit(130);
});
await main();
