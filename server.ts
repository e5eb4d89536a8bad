// Stevedore's server: one Node process serving Next's pages, the tRPC API (/api/trpc),
// websockets (/api/ws/*) and /healthz, over one database and (later) one fleet.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import next from "next";
import { FileHeadAnchor } from "./server/audit/anchor";
import { fleetNames } from "./server/audit/names";
import { reconcileOpenIntents } from "./server/audit/reconcile";
import { retentionDays } from "./server/audit/retention";
import { AuditWriter } from "./server/audit/writer";
import { SecretBox } from "./server/crypto/secret-box";
import { Fleet } from "./server/docker/index";
import { pinHostKeysAtFirstUse } from "./server/environments/host-keys";
import { loadFleet } from "./server/environments/load";
import { observeWithFleet } from "./server/environments/observe";
import { startDatabase, type DatabaseHandle } from "./server/db";
import { ensureBuiltinRoles } from "./server/rbac/permissions";
import { secureDataDir } from "./server/database/data-dir";
import { AccessRuleError } from "./server/modules/access/errors";
import { prepareFirstStart, type FirstStart } from "./server/modules/identity/first-start";
import { DataDirInUseError } from "./server/database/lock";
import { ConfigError, env as loadEnv, type Env } from "./server/env";
import { compressesPath, compressResponse } from "./server/transport/http/compression";
import { serveHealth } from "./server/transport/http/health";
import { applySecurityHeaders } from "./server/transport/http/security-headers";
import { serveTrpc, TRPC_PREFIX } from "./server/transport/http/trpc";
import { loopbackOrigin, warmUp } from "./server/transport/http/warm-up";
import { publishServices } from "./server/services";
import type { Services } from "./server/core/context";
import { findHttpRoute } from "./server/transport/http/routes";
import { refuseOversizedBody } from "./server/transport/http/body-limit";
import { InFlightRequests } from "./server/transport/http/in-flight";
import { WsRouter } from "./server/transport/ws/router";
import { healthSocket } from "./server/transport/ws/health";
import { execSocket } from "./server/transport/ws/exec";
import { attachSocket } from "./server/transport/ws/attach";
import { taskExecSocket } from "./server/transport/ws/task-exec";
import { swarmRuntime } from "./server/modules/swarm/index";
import { ConsoleRegistry } from "./server/console/bridge";
import { followOtherReplicas, type ReplicaLink } from "./server/modules/replicas/follow";

const version = (JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string })
  .version;

/** How long an idle keep-alive connection is kept open (see the server below). */
const KEEP_ALIVE_MS = 65_000;

function fail(message: string): never {
  console.error(`stevedore: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Env;
  try {
    config = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const dev = config.NODE_ENV !== "production";
  // Stevedore sends nothing anywhere it was not asked to.
  process.env.NEXT_TELEMETRY_DISABLED = "1";

  // Before anything is written there: the data folder (key file, embedded database, its
  // socket) is private to this user, and stays so (umask 077 for the whole process).
  try {
    const fixed = await secureDataDir(config.dataDir);
    if (fixed.length)
      console.log(`data folder: made ${fixed.length} path(s) in ${config.dataDir} private to this user`);
  } catch (error) {
    fail(`cannot secure the data folder ${config.dataDir}: ${error instanceof Error ? error.message : String(error)}`);
  }

  let database: DatabaseHandle;
  try {
    database = await startDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.dataDir,
      waitForDatabaseMs:
        config.STEVEDORE_DB_WAIT_SECONDS === undefined ? undefined : config.STEVEDORE_DB_WAIT_SECONDS * 1000,
    });
  } catch (error) {
    if (error instanceof DataDirInUseError) fail(error.message);
    fail(`cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (database.appliedMigrations.length) console.log(`applied migrations: ${database.appliedMigrations.join(", ")}`);

  await ensureBuiltinRoles(database.prisma);
  let firstStart: FirstStart;
  try {
    firstStart = await prepareFirstStart(database.prisma, { dataDir: config.dataDir, firstAdmin: config.firstAdmin });
  } catch (error) {
    if (error instanceof AccessRuleError) fail(error.message);
    throw error;
  }
  if (firstStart.kind === "configured") {
    console.log(`setup: created the first administrator ${firstStart.username} from STEVEDORE_ADMIN_USERNAME`);
  } else if (config.firstAdmin) {
    console.log("setup: already done; STEVEDORE_ADMIN_USERNAME and its password are not used");
  }
  const secrets = await SecretBox.load(config.STEVEDORE_SECRET_KEY, config.dataDir, {
    onCreated: (file) =>
      console.log(
        `Made the key that encrypts the TLS keys, SSH keys and passphrases Stevedore stores, and keys the audit chain: ${file}\n` +
          "  Back it up with the database: without it they cannot be read. (Or set STEVEDORE_SECRET_KEY instead.)",
      ),
  });
  // The chain's key never reaches the database: whoever can only write the database cannot
  // rewrite the trail. Its head is also anchored outside the database (log and data folder).
  const fleet = new Fleet({ onHostKey: pinHostKeysAtFirstUse(database.prisma) });
  const audit = new AuditWriter(database.prisma, {
    chainKey: secrets.deriveKey("audit-chain"),
    anchor: new FileHeadAnchor(config.dataDir),
    names: fleetNames(fleet),
  });
  // Retention: prune what is older than the setting, at start and then daily.
  const prune = async () => {
    const days = await retentionDays(database.prisma);
    const pruned = await audit.prune(new Date(Date.now() - days * 86_400_000));
    if (pruned) console.log(`audit: pruned ${pruned} event(s) older than ${days} days (checkpoint recorded)`);
  };
  const pruneTimer = setInterval(
    () => void prune().catch((e: unknown) => console.error("audit prune:", e)),
    86_400_000,
  );
  pruneTimer.unref();
  await prune().catch((e: unknown) => console.error("audit prune:", e));

  const environments = await loadFleet(database.prisma, secrets, fleet);
  if (environments) console.log(`fleet: watching ${environments} environment(s)`);
  const startedAt = new Date();

  const services: Services = {
    prisma: database.prisma,
    secrets,
    audit,
    fleet,
    version,
    embeddedDatabase: database.embedded,
  };
  publishServices(services);
  // Other replicas on the same Postgres: what changes through them reaches this one's pages.
  let replicas: ReplicaLink | undefined;
  if (!database.embedded) {
    replicas = await followOtherReplicas({ prisma: database.prisma, secrets, fleet, audit, databaseUrl: database.url });
  }
  // Rollouts started from a CLI are on the record from the start, not from the first swarm page.
  const swarm = swarmRuntime(services);

  // Next adds its own `upgrade` listener to whatever server it is given and closes sockets
  // on paths it does not own; give it an emitter of ours and forward only its own (HMR).
  const nextUpgrades = new EventEmitter();
  const app = next({
    dev,
    dir: process.cwd(),
    hostname: config.HOST,
    port: config.PORT,
    httpServer: nextUpgrades as never,
  });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const consoles = new ConsoleRegistry();
  const ws = new WsRouter()
    .add("/api/ws/health", healthSocket(services))
    .add("/api/ws/exec", execSocket(services, consoles))
    .add("/api/ws/attach", attachSocket(services, consoles))
    .add("/api/ws/task-exec", taskExecSocket(services, consoles));

  const inFlight = new InFlightRequests();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // First, so that every answer has them: pages, the API, downloads, errors.
    applySecurityHeaders(req, res, { dev });
    inFlight.track(req, res);
    const url = new URL(req.url ?? "/", "http://stevedore.local");
    if (refuseOversizedBody(services, req, res, url.pathname)) return;
    const route = findHttpRoute(url.pathname);
    if (compressesPath(url.pathname, route !== undefined)) compressResponse(req, res);
    const handled =
      url.pathname === "/healthz"
        ? serveHealth(services, res)
        : url.pathname.startsWith(TRPC_PREFIX)
          ? serveTrpc(services, req, res, url)
          : route
            ? route.handle(services, req, res, url)
            : handleNext(req, res);
    handled.catch((error: unknown) => {
      console.error(`${req.method} ${url.pathname} failed:`, error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error");
    });
  });

  // An idle keep-alive connection is kept for 65 s, not Node's 5: a reverse proxy or API client
  // that reuses it (nginx keeps upstream connections 60 s, load balancers 60 s) would otherwise
  // race the close and see "socket hang up" or a 502 now and then. The header deadline stays above.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://stevedore.local");
    if (ws.handles(url)) ws.upgrade(req, socket, head, url);
    else if (dev && url.pathname.startsWith("/_next/")) nextUpgrades.emit("upgrade", req, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const warmedMs = await warmUp(services, loopbackOrigin(config.HOST, config.PORT), { pages: !dev });
  if (dev) console.log(`warmed up in ${warmedMs} ms`);
  const where = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`;
  const dbWhere = database.embedded ? `embedded Postgres in ${config.dataDir}` : "Postgres at DATABASE_URL";
  if (firstStart.kind === "code") {
    // The one way to claim a fresh install: someone who can read this log or the data folder.
    console.log(
      [
        "",
        `  Stevedore is not set up yet. Open ${where}/setup and enter this one-time setup code:`,
        "",
        `      ${firstStart.code}`,
        "",
        `  (also in ${firstStart.file}, readable only by this user)`,
        "",
      ].join("\n"),
    );
  }
  console.log(`Stevedore ${version} ready on ${where} (${dev ? "development" : "production"}, ${dbWhere})`);

  // Actions the last stop interrupted are completed on the record, with what their targets
  // look like now on the engines: in the background, one event at a time, so that however many
  // there are and however slow the database is, the start never fails for them.
  // With other replicas running, the open intents may be their running actions, not ones a stop
  // interrupted: they are completed by the first replica that starts alone.
  const alone = replicas ? await replicas.bus.alone().catch(() => false) : true;
  if (!alone) console.log("audit: other replicas are running; actions they have open are theirs to complete");
  else
    void reconcileOpenIntents(database.prisma, audit, {
      observe: observeWithFleet(fleet),
      openedBefore: startedAt,
    }).then(
      ({ completed, failed }) => {
        if (completed) console.log(`audit: ${completed} action(s) interrupted by the last stop were recorded as such`);
        if (failed)
          console.error(`audit: ${failed} interrupted action(s) could not be completed now; the next start retries`);
      },
      (error: unknown) =>
        console.error("audit: cannot look for interrupted actions now; the next start retries:", error),
    );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // A stuck request must not keep the process alive forever.
    setTimeout(() => {
      console.error("shutdown took over 10 s; exiting");
      process.exit(1);
    }, 10_000).unref();
    clearInterval(pruneTimer);
    // No new connections (a load balancer sends them to another replica); what was accepted
    // completes before anything it needs goes.
    server.close();
    server.closeIdleConnections();
    void (async () => {
      // Consoles end their processes in the containers (through the fleet) and complete
      // their audit events before the sockets, the fleet and the database go.
      await consoles.endAll("server shutting down").catch(() => undefined);
      ws.closeAll();
      swarm.stop();
      if (!(await inFlight.drain(7_000)))
        console.error(`${inFlight.count} request(s) still running after 7 s; ending them`);
      server.closeAllConnections();
      fleet.close();
      await app.close().catch(() => undefined);
      // What is queued reaches the trail, and the head is anchored one last time.
      await audit.close().catch((error: unknown) => console.error("closing the audit trail:", error));
      await replicas?.stop().catch(() => undefined);
      await database.close().catch((error: unknown) => console.error("closing the database:", error));
      process.exit(0);
    })();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
