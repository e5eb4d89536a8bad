// Settings over tRPC: the permission, the input, then the domain (settings.ts).
import { z } from "zod";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { currentSettings, updateSettings } from "./settings";

export const settingsRouter = createTRPCRouter({
  get: permittedProcedure("settings.manage").query(({ ctx }) => currentSettings(ctx.services.prisma)),
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
    .mutation(({ ctx, input }) => updateSettings(ctx.services.prisma, input)),
});
