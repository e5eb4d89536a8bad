import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { allPermissions, isEnvironmentScoped, isPermission, permissionDescriptions } from "../rbac/catalogue";
import { missingForGrant } from "../rbac/permissions";
import { authedProcedure, createTRPCRouter, permittedProcedure } from "../trpc/init";
import { id, name } from "./schemas";

const permissionList = z
  .array(z.string())
  .max(allPermissions.length)
  .refine((list) => list.every(isPermission), { message: "Unknown permission in the list." })
  .transform((list) => [...new Set(list)].sort());

export const rolesRouter = createTRPCRouter({
  /** The permission catalogue, for the role editor. */
  catalogue: authedProcedure.query(() =>
    allPermissions.map((permission) => ({
      permission,
      description: permissionDescriptions[permission],
      scope: isEnvironmentScoped(permission) ? ("environment" as const) : ("global" as const),
    })),
  ),

  list: permittedProcedure("role.manage").query(({ ctx }) =>
    ctx.services.prisma.role.findMany({
      orderBy: [{ builtin: "desc" }, { name: "asc" }],
      include: { _count: { select: { bindings: true } } },
    }),
  ),

  create: permittedProcedure("role.manage")
    .input(z.object({ name, description: z.string().trim().max(256).optional(), permissions: permissionList }))
    .mutation(async ({ ctx, input }) => {
      const missing = missingForGrant(ctx.actor.permissions, input.permissions, null);
      if (missing.length) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `You cannot create a role with permissions you lack: ${missing.join(", ")}.`,
        });
      }
      try {
        const role = await ctx.services.prisma.role.create({
          data: { name: input.name, description: input.description || null, permissions: input.permissions },
        });
        ctx.audit.target("role", role.id, role.name);
        return role;
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: `A role named ${input.name} exists already.` });
        }
        throw error;
      }
    }),

  update: permittedProcedure("role.manage")
    .input(
      z.object({
        id,
        name: name.optional(),
        description: z.string().trim().max(256).optional(),
        permissions: permissionList.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const role = await prisma.role.findUnique({ where: { id: input.id } });
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "No such role." });
      if (role.builtin)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Built-in roles cannot be changed; create your own." });
      if (input.permissions) {
        // Everyone bound to the role gains what it gains: the actor must hold all of it everywhere.
        const missing = missingForGrant(ctx.actor.permissions, input.permissions, null);
        if (missing.length) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `You cannot grant permissions you lack: ${missing.join(", ")}.`,
          });
        }
      }
      return prisma.role.update({
        where: { id: input.id },
        data: { name: input.name, description: input.description, permissions: input.permissions },
      });
    }),

  remove: permittedProcedure("role.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const role = await prisma.role.findUnique({ where: { id: input.id } });
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "No such role." });
      if (role.builtin) throw new TRPCError({ code: "BAD_REQUEST", message: "Built-in roles cannot be removed." });
      await prisma.role.delete({ where: { id: input.id } });
      return { ok: true };
    }),
});
