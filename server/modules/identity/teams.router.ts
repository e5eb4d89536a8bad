// Teams over tRPC: the permission, the input, then the domain (teams.ts).
import { z } from "zod";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { id, name } from "../../core/refs";
import { addTeamMember, createTeam, listTeams, removeTeam, removeTeamMember, updateTeam } from "./teams";

export const teamsRouter = createTRPCRouter({
  list: permittedProcedure("user.manage").query(({ ctx }) => listTeams(ctx.services.prisma)),

  create: permittedProcedure("user.manage")
    .input(z.object({ name, description: z.string().trim().max(256).optional() }))
    .mutation(({ ctx, input }) => createTeam(ctx.services.prisma, input)),

  update: permittedProcedure("user.manage")
    .input(z.object({ id, name: name.optional(), description: z.string().trim().max(256).optional() }))
    .mutation(({ ctx, input }) => updateTeam(ctx.services.prisma, input)),

  /** Its members lose what the team grants: only for one who holds all of it, and never the last Administrator. */
  remove: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await removeTeam(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),

  addMember: permittedProcedure("user.manage")
    .input(z.object({ teamId: id, userId: id, leader: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      await addTeamMember(ctx.services.prisma, ctx.actor, input);
      return { ok: true };
    }),

  /** The member loses what the team grants: the same rule as removing a binding. */
  removeMember: permittedProcedure("user.manage")
    .input(z.object({ teamId: id, userId: id }))
    .mutation(async ({ ctx, input }) => {
      await removeTeamMember(ctx.services.prisma, ctx.actor, input, ctx.audit);
      return { ok: true };
    }),
});
