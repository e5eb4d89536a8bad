// Whether console recordings keep what was typed as well as what was shown. Off by default:
// keystrokes carry passwords typed at prompts; an administrator who needs them turns it on.
import type { PrismaClient } from "../generated/prisma/client";

export const RECORD_INPUT_KEY = "console.recordInput";

export async function recordConsoleInput(prisma: PrismaClient): Promise<boolean> {
  const row = await prisma.setting.findUnique({ where: { key: RECORD_INPUT_KEY } });
  return row?.value === true;
}
