// Environments: Docker endpoints. Saving one tests the connection first and says precisely
// what failed; keys are sealed at rest and never sent back; status comes from the fleet.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { parseHostKey, testConnection, type ConnectionReport } from "../../docker/index";
import { env } from "../../env";
import { descriptorOf, presentEnvironment } from "../../environments/descriptor";
import { localSocketState } from "../../environments/local-socket";
import { Prisma } from "../../generated/prisma/client";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";
import type { Services } from "../../core/context";
import { id, name } from "../../core/refs";

const dockerUrl = z
  .string()
  .trim()
  .max(512)
  .regex(
    /^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)\S+$/,
    "Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.",
  );

const pem = z.string().trim().max(65_536).optional();
/** A host key as the connection test reported it ("ssh-ed25519 AAAA…"), to pin that one. */
const hostKey = z
  .string()
  .trim()
  .max(16_384)
  .refine((line) => parseHostKey(line) !== undefined, 'Not an SSH host key: expected "ssh-ed25519 AAAA…".')
  .optional();
const connection = z.object({
  url: dockerUrl,
  tls: z.object({ ca: pem, cert: pem, key: pem }).optional(),
  ssh: z.object({ privateKey: pem, passphrase: z.string().max(1024).optional(), hostKey }).optional(),
});
const organisation = {
  tags: z.array(z.string().trim().min(1).max(32)).max(20).default([]),
  group: z.string().trim().max(64).optional(),
};

/**
 * The connection's columns. An ssh:// host key is pinned: the one the caller asked for (which
 * the test then checked), else the one the test saw; saved untested without one, the fleet pins
 * the key of its first connection (pinHostKeysAtFirstUse).
 */
function sealedColumns(services: Services, input: z.infer<typeof connection>, report: ConnectionReport | null) {
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
function checkConnection(input: z.infer<typeof connection>, name: string) {
  return testConnection({ id: "connection-test", name, url: input.url, tls: input.tls, ssh: input.ssh });
}

function withStatus(services: Services, row: Parameters<typeof presentEnvironment>[0]) {
  return { ...presentEnvironment(row), status: services.fleet.status(row.id) ?? null };
}

export const environmentsRouter = createTRPCRouter({
  /** Only the environments the caller may read, each with its live status. */
  list: permittedProcedure("environment.read").query(async ({ ctx }) => {
    const rows = await ctx.services.prisma.environment.findMany({
      where: ctx.scope === "all" ? {} : { id: { in: [...ctx.scope] } },
      orderBy: { name: "asc" },
    });
    return rows.map((row) => withStatus(ctx.services, row));
  }),

  get: permittedProcedure("environment.read")
    .input(z.object({ environmentId: id }))
    .query(async ({ ctx, input }) => {
      const row = await ctx.services.prisma.environment.findUnique({ where: { id: input.environmentId } });
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      return withStatus(ctx.services, row);
    }),

  /** The local engine's socket, offered as an environment when it is usable and not added yet. */
  localSocket: permittedProcedure("environment.manage", { everywhere: true }).query(async ({ ctx }) => {
    const path = env().STEVEDORE_LOCAL_SOCKET;
    const url = `unix://${path}`;
    const added = await ctx.services.prisma.environment.findFirst({ where: { url }, select: { name: true } });
    return { url, state: await localSocketState(path), addedAs: added?.name ?? null };
  }),

  /** Tests a connection without saving anything. */
  test: permittedProcedure("environment.manage", { everywhere: true })
    .input(connection)
    .mutation(({ input }) => checkConnection(input, "connection test")),

  create: permittedProcedure("environment.manage", { everywhere: true })
    .input(connection.extend({ name, ...organisation, skipTest: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const report = input.skipTest ? null : await checkConnection(input, input.name);
      let row;
      try {
        row = await ctx.services.prisma.environment.create({
          data: {
            name: input.name,
            tags: input.tags,
            group: input.group || null,
            ...sealedColumns(ctx.services, input, report),
          },
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: `An environment named ${input.name} exists already.` });
        }
        throw error;
      }
      ctx.audit.target("environment", row.id, row.name);
      ctx.services.fleet.add(descriptorOf(row, ctx.services.secrets));
      return { ...withStatus(ctx.services, row), report };
    }),

  /** Changes name, organisation or connection (a new connection is tested first). Pointing an
   * environment elsewhere is as strong as adding one: a manager of this environment alone could
   * otherwise reach any engine the server can, so `connection` needs environment.manage everywhere. */
  update: permittedProcedure("environment.manage", {
    everywhereFor: { field: "connection", what: "Changing an environment's connection (URL, TLS or ssh keys)" },
  })
    .input(
      z.object({
        environmentId: id,
        name: name.optional(),
        tags: organisation.tags.optional(),
        group: organisation.group,
        connection: connection.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma, secrets, fleet } = ctx.services;
      const existing = await prisma.environment.findUnique({ where: { id: input.environmentId } });
      if (!existing) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      const report = input.connection ? await checkConnection(input.connection, input.name ?? existing.name) : null;
      const row = await prisma.environment.update({
        where: { id: input.environmentId },
        data: {
          name: input.name,
          tags: input.tags,
          group: input.group === undefined ? undefined : input.group || null,
          ...(input.connection ? sealedColumns(ctx.services, input.connection, report) : {}),
        },
      });
      fleet.update(descriptorOf(row, secrets));
      return withStatus(ctx.services, row);
    }),

  /** Stops polling an environment (no errors while paused), or starts again. */
  setPaused: permittedProcedure("environment.manage")
    .input(z.object({ environmentId: id, paused: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { count } = await ctx.services.prisma.environment.updateMany({
        where: { id: input.environmentId },
        data: { paused: input.paused },
      });
      if (!count) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      const status = input.paused
        ? ctx.services.fleet.pause(input.environmentId)
        : await ctx.services.fleet.resume(input.environmentId);
      return { status };
    }),

  /** Checks one environment now, instead of waiting for the next retry. */
  probe: permittedProcedure("environment.read")
    .input(z.object({ environmentId: id }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.services.fleet.has(input.environmentId)) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      }
      return { status: await ctx.services.fleet.probe(input.environmentId) };
    }),

  remove: permittedProcedure("environment.manage")
    .input(z.object({ environmentId: id }))
    .mutation(async ({ ctx, input }) => {
      const { count } = await ctx.services.prisma.environment.deleteMany({ where: { id: input.environmentId } });
      if (!count) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      ctx.services.fleet.remove(input.environmentId);
      return { ok: true };
    }),
});
