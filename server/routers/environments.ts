// Environments as records: enough for access scoping. Connecting to them, status and the
// fleet come with server/docker.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { createTRPCRouter, permittedProcedure } from "../trpc/init";
import { id, name } from "./schemas";

const dockerUrl = z
  .string()
  .trim()
  .max(512)
  .regex(
    /^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)\S+$/,
    "Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.",
  );

export const environmentsRouter = createTRPCRouter({
  /** Only the environments the caller may read. */
  list: permittedProcedure("environment.read").query(({ ctx }) =>
    ctx.services.prisma.environment.findMany({
      where: ctx.scope === "all" ? {} : { id: { in: [...ctx.scope] } },
      orderBy: { name: "asc" },
      select: { id: true, name: true, url: true, createdAt: true },
    }),
  ),

  get: permittedProcedure("environment.read")
    .input(z.object({ environmentId: id }))
    .query(async ({ ctx, input }) => {
      const env = await ctx.services.prisma.environment.findUnique({
        where: { id: input.environmentId },
        select: { id: true, name: true, url: true, createdAt: true },
      });
      if (!env) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      return env;
    }),

  create: permittedProcedure("environment.manage", { everywhere: true })
    .input(z.object({ name, url: dockerUrl }))
    .mutation(async ({ ctx, input }) => {
      try {
        const environment = await ctx.services.prisma.environment.create({
          data: input,
          select: { id: true, name: true, url: true, createdAt: true },
        });
        ctx.audit.target("environment", environment.id, environment.name);
        return environment;
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: `An environment named ${input.name} exists already.` });
        }
        throw error;
      }
    }),

  remove: permittedProcedure("environment.manage")
    .input(z.object({ environmentId: id }))
    .mutation(async ({ ctx, input }) => {
      const { count } = await ctx.services.prisma.environment.deleteMany({ where: { id: input.environmentId } });
      if (!count) throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      return { ok: true };
    }),
});
