import { z } from "zod";
import { RETENTION_KEY, retentionDays } from "../../audit/retention";
import { REQUIRE_2FA_KEY, requireTwoFactorForEveryone } from "../../auth/settings";
import { RECORD_INPUT_KEY, recordConsoleInput } from "../../console/settings";
import type { PrismaClient } from "../../generated/prisma/client";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";

async function current(prisma: PrismaClient) {
  return {
    requireTwoFactor: await requireTwoFactorForEveryone(prisma),
    auditRetentionDays: await retentionDays(prisma),
    consoleRecordInput: await recordConsoleInput(prisma),
  };
}

export const settingsRouter = createTRPCRouter({
  get: permittedProcedure("settings.manage").query(({ ctx }) => current(ctx.services.prisma)),

  update: permittedProcedure("settings.manage")
    .input(
      z.object({
        requireTwoFactor: z.boolean().optional(),
        consoleRecordInput: z.boolean().optional(),
        auditRetentionDays: z
          .number()
          .int()
          .min(7, "Keep the audit trail at least 7 days.")
          .max(3650, "At most 3650 days.")
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const writes: [string, boolean | number | undefined][] = [
        [REQUIRE_2FA_KEY, input.requireTwoFactor],
        [RETENTION_KEY, input.auditRetentionDays],
        [RECORD_INPUT_KEY, input.consoleRecordInput],
      ];
      for (const [key, value] of writes) {
        if (value === undefined) continue;
        await prisma.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
      }
      return current(prisma);
    }),
});
