import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import { allPermissions, isEnvironmentScoped, isPermission, permissionDescriptions } from "../../rbac/catalogue";
import { AccessRuleError } from "./errors";
import { guardedAccessChange, type Loss, type Tx } from "./guarded-change";
import { missingForGrant } from "../../rbac/permissions";
import { authedProcedure, createTRPCRouter, permittedProcedure } from "../../trpc/init";
import { id, name } from "../../core/refs";

/** The role, when it exists and is not built in (built-in roles follow the code). */
async function builtinChecked(tx: Tx, id: string, refused: string) {
  const role = await tx.role.findUnique({ where: { id } });
  if (!role) throw new AccessRuleError("not-found", "No such role.");
  if (role.builtin) throw new AccessRuleError("bad-request", `Built-in roles cannot be ${refused}.`);
  return role;
}

/** `permissions` on the scope of each binding of the role: what its holders lose. */
async function lossesOfBindings(tx: Tx, roleId: string, permissions: string[]): Promise<Loss[]> {
  const bindings = await tx.roleBinding.findMany({ where: { roleId }, select: { environmentId: true } });
  return bindings.map((b) => ({ permissions, environmentId: b.environmentId }));
}

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
      return guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const role = await builtinChecked(tx, input.id, "changed; create your own");
        ctx.audit.target("role", role.id, role.name);
        // …and everyone bound to it loses what it loses, on the scope of their binding.
        const kept = new Set(input.permissions ?? role.permissions);
        const removed = role.permissions.filter((p) => !kept.has(p));
        return {
          subject: `Role ${role.name}`,
          losses: removed.length ? await lossesOfBindings(tx, role.id, removed) : [],
          apply: async () => {
            if (input.name && input.name !== role.name && (await tx.role.findUnique({ where: { name: input.name } }))) {
              throw new AccessRuleError("conflict", `A role named ${input.name} exists already.`);
            }
            return tx.role.update({
              where: { id: input.id },
              data: { name: input.name, description: input.description, permissions: input.permissions },
            });
          },
        };
      });
    }),

  /** Everyone bound to the role loses it: only for one who holds it on each of those scopes. */
  remove: permittedProcedure("role.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const role = await builtinChecked(tx, input.id, "removed");
        ctx.audit.target("role", role.id, role.name);
        return {
          subject: `Role ${role.name}`,
          losses: await lossesOfBindings(tx, role.id, role.permissions),
          apply: () => tx.role.delete({ where: { id: input.id } }),
        };
      });
      return { ok: true };
    }),
});
