// Several replicas over one Postgres serve as one Stevedore. Each keeps its own fleet (watchers
// on every engine: container events reach its pages straight from the engines) and caches for
// speed (who a session is, what they may do); what changes through one replica must reach the
// others' pages and caches at once, not when a cache expires:
//   - its audit events are announced (ReplicaBus); every change made through Stevedore writes
//     one, so on hearing of any, a replica forgets the callers it resolved, re-checks what is
//     open (consoles, streams: a revoked binding ends them), re-reads the saved environments
//     into its fleet (FleetSync), and passes the events to its open audit tails.
//   - what every replica observes (a rollout's end) is recorded once (AuditWriter.recordOnce).
// The embedded database (PGlite) serves one process: no bus, one replica.
import { forgetAuthenticatedActors } from "../../auth/authenticate";
import type { AuditWriter } from "../../audit/writer";
import type { SecretBox } from "../../crypto/secret-box";
import type { Fleet } from "../../docker/index";
import type { PrismaClient } from "../../generated/prisma/client";
import { permissionRechecksFor } from "../../rbac/revocation";
import { ReplicaBus } from "./bus";
import { FleetSync } from "./fleet-sync";

/** The second argument of an audit writer's "event" for events another replica wrote. */
export const FROM_ANOTHER_REPLICA = "another-replica";

export interface ReplicaLink {
  bus: ReplicaBus;
  stop(): Promise<void>;
}

export interface FollowOptions {
  prisma: PrismaClient;
  secrets: SecretBox;
  fleet: Fleet;
  audit: AuditWriter;
  databaseUrl: string;
  log?: (line: string) => void;
}

/** Joins this server to the other replicas of its database; resolves once listening. */
export async function followOtherReplicas(options: FollowOptions): Promise<ReplicaLink> {
  const { prisma, audit } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const fleetSync = new FleetSync(prisma, options.secrets, options.fleet, log);
  const lookAgain = () => {
    forgetAuthenticatedActors();
    permissionRechecksFor(prisma).nudge();
    fleetSync.sync().catch((error: unknown) => log(`replicas: cannot re-read the environments now: ${String(error)}`));
  };
  const bus = new ReplicaBus({
    databaseUrl: options.databaseUrl,
    log,
    notify: async (channel, payload) => {
      await prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
    },
    handlers: {
      events(eventIds) {
        lookAgain();
        for (const id of eventIds) audit.events.emit("event", id, FROM_ANOTHER_REPLICA);
      },
      missed: lookAgain,
    },
  });
  const announce = (id: string, origin?: string) => {
    if (origin !== FROM_ANOTHER_REPLICA) bus.announce(id);
  };
  audit.events.on("event", announce);
  // What this fleet holds now is what it loaded: the first sync only notes the versions.
  await fleetSync.sync();
  await bus.start();
  return {
    bus,
    async stop() {
      audit.events.off("event", announce);
      await bus.close();
    },
  };
}
