import { z } from "zod";
import { REQUIRE_2FA_KEY, requireTwoFactorForEveryone } from "../auth/settings";
import { createTRPCRouter, permittedProcedure } from "../trpc/init";

export const settingsRouter = createTRPCRouter({
  get: permittedProcedure("settings.manage").query(async ({ ctx }) => ({
    requireTwoFactor: await requireTwoFactorForEveryone(ctx.services.prisma),
  })),

  update: permittedProcedure("settings.manage")
    .input(z.object({ requireTwoFactor: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.prisma.setting.upsert({
        where: { key: REQUIRE_2FA_KEY },
        create: { key: REQUIRE_2FA_KEY, value: input.requireTwoFactor },
        update: { value: input.requireTwoFactor },
      });
      return { requireTwoFactor: input.requireTwoFactor };
    }),
});
