// Roles over tRPC: the permission, the input, then the domain (roles.ts).
import { z } from "zod";
import { allPermissions, isEnvironmentScoped, isPermission, permissionDescriptions } from "../../rbac/catalogue";
import { authedProcedure, createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { id, name } from "../../core/refs";
import { createRole, listRoles, removeRole, updateRole } from "./roles";

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

  list: permittedProcedure("role.manage").query(({ ctx }) => listRoles(ctx.services.prisma)),

  create: permittedProcedure("role.manage")
    .input(z.object({ name, description: z.string().trim().max(256).optional(), permissions: permissionList }))
    .mutation(({ ctx, input }) => createRole(ctx.services.prisma, ctx.actor, input, ctx.audit)),

  update: permittedProcedure("role.manage")
    .input(
      z.object({
        id,
        name: name.optional(),
        description: z.string().trim().max(256).optional(),
        permissions: permissionList.optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateRole(ctx.services.prisma, ctx.actor, input, ctx.audit)),

  /** Everyone bound to the role loses it: only for one who holds it on each of those scopes. */
  remove: permittedProcedure("role.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await removeRole(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),
});
