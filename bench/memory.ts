// bench/memory: the server's resident memory (RSS) on the embedded database and on Postgres, at
// a fresh start (a new data folder or an empty database: the first start, initdb and every
// migration included) and after a short workload (sign-in, environments added, lists, details,
// pages, a container restarted, the audit trail read).
//
//   npm run bench:memory
//   BENCH_DATABASE_URL=postgresql://…/stevedore_bench npm run bench:memory   (emptied first)
//
// Without BENCH_DATABASE_URL the Postgres half uses DATABASE_URL; its name must contain "bench"
// or "test" (it is emptied). The last lines are RESULT scale.server.rss_mb.{embedded,postgres}
// (after the workload: the larger, honest figure) and the fresh-start figures beside them.
import { fileURLToPath } from "node:url";
import pg from "pg";
import {
  activeServers,
  killActiveServersNow,
  preferredMode,
  signInWithToken,
  sleep,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";
import { testbedEngines, testbedUp } from "./support/testbed";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) => console.log(`[memory] ${line}`);

async function emptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT current_database() AS name");
    const name = rows[0]?.name ?? "";
    if (!/(bench|test)/i.test(name))
      throw new Error(`Refusing to empty database "${name}" (its name must contain bench or test)`);
    await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  } finally {
    await client.end();
  }
}

/** Resident memory once it has settled (three readings a second apart, the last). */
async function settledRss(server: StevedoreServer): Promise<number> {
  let rss = 0;
  for (let i = 0; i < 3; i++) {
    await sleep(1000);
    rss = server.memoryMb().rss;
  }
  return Math.round(rss);
}

async function workload(server: StevedoreServer, api: StevedoreApi): Promise<void> {
  const ids: string[] = [];
  for (const engine of testbedEngines(repoRoot).engines) {
    const env = await api.mutate<{ id: string }>("environments.create", {
      name: `memory-${engine.name}`,
      url: engine.url,
      ...(engine.tls ? { tls: engine.tls } : {}),
    });
    ids.push(env.id);
  }
  // Let the watchers warm their pictures.
  for (let i = 0; i < 60; i++) {
    const list = await api.query<{ items: { id: string; environmentId: string; state: string }[] }>("containers.list");
    if (list.items.length) break;
    await sleep(500);
  }
  let first: { id: string; environmentId: string } | undefined;
  for (let round = 0; round < 20; round++) {
    const list = await api.query<{ items: { id: string; environmentId: string; state: string }[] }>("containers.list");
    first ??= list.items.find((c) => c.state === "running");
    await api.query("environments.list");
    await api.query("audit.list", { limit: 100 });
    if (first) await api.query("containers.get", { environmentId: first.environmentId, id: first.id });
  }
  if (first)
    await api.mutate("containers.restart", { environmentId: first.environmentId, id: first.id, timeoutSeconds: 1 });
  // Pages, rendered by the server as a browser would ask for them.
  for (const page of ["/", "/containers", "/environments", "/audit", "/settings/users"]) {
    await fetch(`${server.origin}${page}`).then((r) => r.arrayBuffer());
  }
}

async function measure(
  label: "embedded" | "postgres",
  databaseUrl?: string,
): Promise<{ fresh: number; workload: number }> {
  if (databaseUrl) await emptyDatabase(databaseUrl);
  const server = await StevedoreServer.start({
    repoRoot,
    mode: preferredMode(repoRoot),
    watch: true,
    log,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    const fresh = await settledRss(server);
    log(`${label}: fresh start ${fresh} MB (peak ${Math.round(server.memoryMb().peak)} MB)`);
    const api = await signInWithToken(server);
    try {
      await workload(server, api);
    } finally {
      api.close();
    }
    const after = await settledRss(server);
    log(`${label}: after the workload ${after} MB (peak ${Math.round(server.memoryMb().peak)} MB)`);
    return { fresh, workload: after };
  } finally {
    await server.stop();
  }
}

process.on("SIGINT", () => {
  killActiveServersNow();
  process.exit(130);
});

try {
  testbedUp(repoRoot);
  const postgresUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  const embedded = await measure("embedded");
  const postgres = postgresUrl ? await measure("postgres", postgresUrl) : null;
  if (!postgres) log("no BENCH_DATABASE_URL or DATABASE_URL: the Postgres half is skipped");
  console.log(`RESULT scale.server.rss_mb.embedded.fresh ${embedded.fresh}`);
  if (postgres) console.log(`RESULT scale.server.rss_mb.postgres.fresh ${postgres.fresh}`);
  console.log(`RESULT scale.server.rss_mb.embedded ${embedded.workload}`);
  if (postgres) console.log(`RESULT scale.server.rss_mb.postgres ${postgres.workload}`);
} finally {
  if (activeServers.size) killActiveServersNow();
}
