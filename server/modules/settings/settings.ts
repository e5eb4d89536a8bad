// Server-wide settings: two-factor for everyone, audit retention, console input recording.
// Domain logic with no transport.
import { RETENTION_KEY, retentionDays } from "../../audit/retention";
import { REQUIRE_2FA_KEY, requireTwoFactorForEveryone } from "../../auth/settings";
import { RECORD_INPUT_KEY, recordConsoleInput } from "../../console/settings";
import type { PrismaClient } from "../../generated/prisma/client";

export async function currentSettings(prisma: PrismaClient) {
  return {
    requireTwoFactor: await requireTwoFactorForEveryone(prisma),
    auditRetentionDays: await retentionDays(prisma),
    consoleRecordInput: await recordConsoleInput(prisma),
  };
}

export async function updateSettings(
  prisma: PrismaClient,
  input: { requireTwoFactor?: boolean; consoleRecordInput?: boolean; auditRetentionDays?: number },
) {
  const writes: [string, boolean | number | undefined][] = [
    [REQUIRE_2FA_KEY, input.requireTwoFactor],
    [RETENTION_KEY, input.auditRetentionDays],
    [RECORD_INPUT_KEY, input.consoleRecordInput],
  ];
  for (const [key, value] of writes) {
    if (value === undefined) continue;
    await prisma.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }
  return currentSettings(prisma);
}
