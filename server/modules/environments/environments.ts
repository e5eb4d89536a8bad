// Environments: Docker endpoints, as the domain sees them. Saving one tests the connection
// first and says precisely what failed; keys are sealed at rest and never sent back; status
// comes from the fleet. No transport: domain errors only (server/core/errors.ts).
import type { z } from "zod";
import { testConnection, type ConnectionReport } from "../../docker/index";
import { descriptorOf, presentEnvironment } from "../../environments/descriptor";
import type { AuditNote } from "../../audit/middleware-support";
import type { Services } from "../../core/context";
import { NotFoundError } from "../../core/errors";
import { nameTaken } from "../../database/errors";
import type { connection } from "./contract";

type Connection = z.infer<typeof connection>;

/**
 * The connection's columns. An ssh:// host key is pinned: the one the caller asked for (which
 * the test then checked), else the one the test saw; saved untested without one, the fleet pins
 * the key of its first connection (pinHostKeysAtFirstUse).
 */
function sealedColumns(services: Services, input: Connection, report: ConnectionReport | null) {
  const { secrets } = services;
  const ssh = input.url.startsWith("ssh://");
  return {
    url: input.url,
    tlsCa: input.tls?.ca || null,
    tlsCert: input.tls?.cert || null,
    tlsKeySealed: input.tls?.key ? secrets.seal(input.tls.key) : null,
    sshKeySealed: input.ssh?.privateKey ? secrets.seal(input.ssh.privateKey) : null,
    sshPassSealed: input.ssh?.passphrase ? secrets.seal(input.ssh.passphrase) : null,
    sshHostKey: ssh ? input.ssh?.hostKey || report?.hostKey?.key || null : null,
  };
}

/** Tries the connection; a failure is the fleet's typed error, which names the cause and
 * maps to its API code in the one Docker-error middleware. */
export function checkConnection(input: Connection, name: string) {
  return testConnection({ id: "connection-test", name, url: input.url, tls: input.tls, ssh: input.ssh });
}

export function withStatus(services: Services, row: Parameters<typeof presentEnvironment>[0]) {
  return { ...presentEnvironment(row), status: services.fleet.status(row.id) ?? null };
}

export async function listEnvironments(services: Services, scope: "all" | ReadonlySet<string>) {
  const rows = await services.prisma.environment.findMany({
    where: scope === "all" ? {} : { id: { in: [...scope] } },
    orderBy: { name: "asc" },
  });
  return rows.map((row) => withStatus(services, row));
}

export async function getEnvironment(services: Services, environmentId: string) {
  const row = await services.prisma.environment.findUnique({ where: { id: environmentId } });
  if (!row) throw new NotFoundError("No such environment.");
  return withStatus(services, row);
}

/** The name under which the engine at `url` is added already, if it is. */
export async function environmentNamedFor(services: Services, url: string) {
  const added = await services.prisma.environment.findFirst({ where: { url }, select: { name: true } });
  return added?.name ?? null;
}

export async function createEnvironment(
  services: Services,
  input: Connection & { name: string; tags: string[]; group?: string; skipTest: boolean },
  audit: AuditNote,
) {
  const report = input.skipTest ? null : await checkConnection(input, input.name);
  const row = await nameTaken(
    "environment",
    input.name,
    () =>
      services.prisma.environment.create({
        data: {
          name: input.name,
          tags: input.tags,
          group: input.group || null,
          ...sealedColumns(services, input, report),
        },
      }),
    `An environment named ${input.name} exists already.`,
  );
  audit.target("environment", row.id, row.name);
  services.fleet.add(descriptorOf(row, services.secrets));
  return { ...withStatus(services, row), report };
}

export async function updateEnvironment(
  services: Services,
  input: { environmentId: string; name?: string; tags?: string[]; group?: string; connection?: Connection },
) {
  const { prisma, secrets, fleet } = services;
  const existing = await prisma.environment.findUnique({ where: { id: input.environmentId } });
  if (!existing) throw new NotFoundError("No such environment.");
  const report = input.connection ? await checkConnection(input.connection, input.name ?? existing.name) : null;
  // A taken name is the database's conflict, answered 409 like any (server/database/errors.ts).
  const row = await prisma.environment.update({
    where: { id: input.environmentId },
    data: {
      name: input.name,
      tags: input.tags,
      group: input.group === undefined ? undefined : input.group || null,
      ...(input.connection ? sealedColumns(services, input.connection, report) : {}),
    },
  });
  fleet.update(descriptorOf(row, secrets));
  return withStatus(services, row);
}

/** Stops polling an environment (no errors while paused), or starts again. */
export async function setEnvironmentPaused(services: Services, environmentId: string, paused: boolean) {
  const { count } = await services.prisma.environment.updateMany({ where: { id: environmentId }, data: { paused } });
  if (!count) throw new NotFoundError("No such environment.");
  return paused ? services.fleet.pause(environmentId) : await services.fleet.resume(environmentId);
}

export async function removeEnvironment(services: Services, environmentId: string) {
  const { count } = await services.prisma.environment.deleteMany({ where: { id: environmentId } });
  if (!count) throw new NotFoundError("No such environment.");
  services.fleet.remove(environmentId);
}
