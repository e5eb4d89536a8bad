// Calls the real routers in-process (createCaller) as any actor, against the real database
// (DATABASE_URL when set, else an embedded one). Tables are emptied when a harness opens, so
// test files do not see each other's rows.
import { randomBytes } from "node:crypto";
import { hashPassword } from "../auth/passwords";
import { fleetNames } from "../audit/names";
import { AuditWriter } from "../audit/writer";
import { SecretBox } from "../crypto/secret-box";
import { Fleet } from "../docker/index";
import { pinHostKeysAtFirstUse } from "../environments/host-keys";
import { ensureBuiltinRoles, loadEffectivePermissions } from "../rbac/permissions";
import { createContext, localRequest, type Actor, type RequestInfo, type Services } from "../core/context";
import { createCaller } from "../transport/trpc/root";
import { openTestDatabase } from "./database";

export type Harness = Awaited<ReturnType<typeof openHarness>>;

export const TEST_PASSWORD = "correct horse battery staple";

export async function openHarness() {
  const db = await openTestDatabase();
  const { prisma } = db;
  if (!db.embedded) {
    // These tests empty the database they are given: never one that is not meant for it.
    const [row] = await prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    if (!/(test|ci)/i.test(row?.name ?? "")) {
      await db.cleanup();
      throw new Error(
        `Refusing to empty database "${row?.name}": integration tests wipe the DATABASE_URL they get; ` +
          `give them a database whose name contains "test" or "ci".`,
      );
    }
  }
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length) {
    await prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`);
  }
  await ensureBuiltinRoles(prisma);
  const secrets = SecretBox.fromKey(randomBytes(32));
  const fleet = new Fleet({
    pollIntervalMs: 2_000,
    backoff: { baseMs: 200, maxMs: 2_000 },
    onHostKey: pinHostKeysAtFirstUse(prisma),
  });
  const services: Services = {
    prisma,
    secrets,
    audit: new AuditWriter(prisma, { chainKey: secrets.deriveKey("audit-chain"), names: fleetNames(fleet) }),
    fleet,
    version: "test",
    embeddedDatabase: db.embedded,
  };

  async function actorFor(userId: string, via: "session" | "token" = "token"): Promise<Actor> {
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    return {
      userId,
      username: user.username,
      displayName: user.displayName,
      via,
      sessionId: null,
      tokenId: null,
      permissions: await loadEffectivePermissions(prisma, userId),
      totpEnabled: user.totpEnabled,
      mustEnrollTotp: false,
      mustChangePassword: user.mustChangePassword,
    };
  }

  /**
   * A caller as `actor` (null: anonymous); cookies the procedures set land in `cookies`. `signal`
   * is the request's (aborting it is a client that goes away).
   */
  function caller(actor: Actor | null, request: Partial<RequestInfo> = {}, signal?: AbortSignal) {
    const cookies: string[] = [];
    const api = createCaller(
      createContext(services, actor, localRequest(request), { setCookie: (c) => cookies.push(c) }),
      signal ? { signal } : {},
    );
    // The caller is itself a proxy of procedure paths; answer `cookies` before it does.
    return new Proxy(api, {
      get: (target, key): unknown => (key === "cookies" ? cookies : Reflect.get(target, key)),
    }) as typeof api & { cookies: string[] };
  }

  let counter = 0;
  /** A user holding `roles` (built-in or custom role names) on a scope (null: everywhere). */
  async function makeUser(roles: { role: string; environmentId?: string | null }[] = [], username?: string) {
    const user = await prisma.user.create({
      data: { username: username ?? `user${++counter}-${Date.now()}`, passwordHash: await hashPassword(TEST_PASSWORD) },
    });
    for (const { role, environmentId = null } of roles) {
      const row = await prisma.role.findUniqueOrThrow({ where: { name: role } });
      await prisma.roleBinding.create({ data: { roleId: row.id, userId: user.id, environmentId } });
    }
    return user;
  }

  /** A role holding exactly `permissions`. */
  async function makeRole(permissions: string[], name = `role-${++counter}-${Date.now()}`) {
    return prisma.role.create({ data: { name, permissions } });
  }

  async function makeEnvironment(name = `env-${++counter}`) {
    return prisma.environment.create({ data: { name, url: "unix:///var/run/nothing.sock" } });
  }

  /** A digest of every table's rows, to prove a refused call changed nothing (but the
   * audit trail, which records the refusal). */
  async function snapshot(): Promise<Record<string, string>> {
    const digests: Record<string, string> = {};
    for (const { tablename } of tables) {
      if (tablename.startsWith("Audit")) continue;
      const [row] = await prisma.$queryRawUnsafe<{ d: string | null }[]>(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d FROM "${tablename}" t`,
      );
      digests[tablename] = row?.d ?? "";
    }
    return digests;
  }

  return {
    services,
    prisma,
    caller,
    actorFor,
    makeUser,
    makeRole,
    makeEnvironment,
    snapshot,
    async close() {
      await services.audit.close();
      await db.cleanup();
    },
  };
}
