import type { PrismaClient } from "../generated/prisma/client";

export const REQUIRE_2FA_KEY = "auth.requireTwoFactor";

export async function requireTwoFactorForEveryone(prisma: PrismaClient): Promise<boolean> {
  const row = await prisma.setting.findUnique({ where: { key: REQUIRE_2FA_KEY } });
  return row?.value === true;
}

export const SETUP_KEY = "auth.setupCompleted";

/** Whether the one-time setup (the first administrator) has happened. */
export async function isSetupDone(prisma: PrismaClient): Promise<boolean> {
  return Boolean(await prisma.setting.findUnique({ where: { key: SETUP_KEY } }));
}
