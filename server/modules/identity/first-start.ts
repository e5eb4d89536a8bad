// The first administrator. Until one exists, the setup page is the only way in, and it is not
// open to whoever finds it first: it asks for a one-time setup code that the server prints at
// start and writes to `<data folder>/setup-code` (mode 0600), so only someone who can read the
// server's log or its files can claim it. Or the first administrator comes from configuration
// (STEVEDORE_ADMIN_USERNAME with STEVEDORE_ADMIN_PASSWORD or _FILE), and there is no setup page.
import { randomInt, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { hashPassword, passwordProblem } from "../../auth/passwords";
import { SETUP_KEY, isSetupDone } from "../../auth/settings";
import { sha256 } from "../../auth/tokens";
import type { FirstAdministrator } from "../../env";
import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import { ensureBuiltinRoles } from "../../rbac/permissions";
import { AccessRuleError } from "../access/errors";

/** The setting holding the current code's hash (and where its file is), while setup is open. */
export const SETUP_CODE_KEY = "auth.setupCode";
export const SETUP_CODE_FILE = "setup-code";

// Crockford's base32: no I, L, O or U to misread. 20 characters, 100 bits.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS = 4;
const GROUP_LENGTH = 5;

function newSetupCode(): string {
  const chars = Array.from({ length: GROUPS * GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!);
  return Array.from({ length: GROUPS }, (_, i) => chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join("")).join(
    "-",
  );
}

/** What a person types, as it is hashed: case, spaces and dashes do not matter. */
export function normaliseSetupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

interface StoredCode {
  hash: string;
  file: string | null;
  /** the codes other replicas printed meanwhile (each has its own data folder and log) */
  replicas?: string[];
}

/** Replicas started together each print a code; every one of theirs is accepted. */
const REPLICA_CODES = 8;

/**
 * Makes the code the setup page will ask for (replacing any earlier one of this data folder;
 * another replica's stays good); `file` is where it was written.
 */
export async function issueSetupCode(prisma: PrismaClient, code = newSetupCode(), file: string | null = null) {
  const hash = sha256(normaliseSetupCode(code));
  const earlier = await storedCode(prisma);
  const replicas = earlier
    ? [...(earlier.replicas ?? []), ...(earlier.file !== file ? [earlier.hash] : [])]
        .filter((h) => h !== hash)
        .slice(-REPLICA_CODES)
    : [];
  const value: StoredCode = { hash, file, ...(replicas.length ? { replicas } : {}) };
  await prisma.setting.upsert({
    where: { key: SETUP_CODE_KEY },
    create: { key: SETUP_CODE_KEY, value: { ...value } },
    update: { value: { ...value } },
  });
  return code;
}

async function storedCode(prisma: PrismaClient | Prisma.TransactionClient): Promise<StoredCode | null> {
  const row = await prisma.setting.findUnique({ where: { key: SETUP_CODE_KEY } });
  const value = row?.value as Partial<StoredCode> | null | undefined;
  if (typeof value?.hash !== "string") return null;
  const replicas = Array.isArray(value.replicas) ? value.replicas.filter((h) => typeof h === "string") : [];
  return { hash: value.hash, file: value.file ?? null, replicas };
}

export async function setupCodeMatches(prisma: PrismaClient, code: string): Promise<boolean> {
  const stored = await storedCode(prisma);
  if (!stored) return false;
  const given = Buffer.from(sha256(normaliseSetupCode(code)), "hex");
  let matches = false;
  for (const hash of [stored.hash, ...(stored.replicas ?? [])]) {
    const candidate = Buffer.from(hash, "hex");
    if (candidate.length === given.length && timingSafeEqual(given, candidate)) matches = true;
  }
  return matches;
}

export interface NewAdministrator {
  username: string;
  password: string;
  displayName?: string | null;
}

/**
 * Creates the first Administrator, once: two racing calls create exactly one (the setup
 * setting's primary key decides). The setup code, and its file, are gone with it.
 */
export async function createFirstAdministrator(prisma: PrismaClient, admin: NewAdministrator) {
  const problem = passwordProblem(admin.password, admin.username);
  if (problem) throw new AccessRuleError("bad-request", problem);
  await ensureBuiltinRoles(prisma);
  const passwordHash = await hashPassword(admin.password);
  let file: string | null = null;
  try {
    const user = await prisma.$transaction(async (tx) => {
      await tx.setting.create({ data: { key: SETUP_KEY, value: true } });
      file = (await storedCode(tx))?.file ?? null;
      await tx.setting.deleteMany({ where: { key: SETUP_CODE_KEY } });
      const role = await tx.role.findUniqueOrThrow({ where: { name: "Administrator" } });
      const created = await tx.user.create({
        data: {
          username: admin.username,
          displayName: admin.displayName || null,
          passwordHash,
          lastLoginAt: new Date(),
        },
      });
      await tx.roleBinding.create({ data: { roleId: role.id, userId: created.id, environmentId: null } });
      return created;
    });
    if (file) await rm(file, { force: true }).catch(() => undefined);
    return user;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AccessRuleError("conflict", "Setup is already done: sign in instead.");
    }
    throw error;
  }
}

export type FirstStart =
  { kind: "done" } | { kind: "configured"; username: string } | { kind: "code"; code: string; file: string };

/**
 * At start: nothing to do once set up (a leftover code file is removed); else the first
 * administrator from configuration; else a setup code, kept across restarts in its 0600 file
 * until setup is done.
 */
export async function prepareFirstStart(
  prisma: PrismaClient,
  options: { dataDir: string; firstAdmin: FirstAdministrator | null },
): Promise<FirstStart> {
  const file = path.join(options.dataDir, SETUP_CODE_FILE);
  if (await isSetupDone(prisma)) {
    await rm(file, { force: true });
    await prisma.setting.deleteMany({ where: { key: SETUP_CODE_KEY } });
    return { kind: "done" };
  }
  if (options.firstAdmin) {
    try {
      const user = await createFirstAdministrator(prisma, options.firstAdmin);
      return { kind: "configured", username: user.username };
    } catch (error) {
      // Another replica, started at the same moment, created it first.
      if (error instanceof AccessRuleError && error.code === "conflict") return { kind: "done" };
      if (error instanceof AccessRuleError && error.code === "bad-request") {
        throw new AccessRuleError("bad-request", `STEVEDORE_ADMIN_PASSWORD: ${error.message}`);
      }
      throw error;
    }
  }
  let code: string | null = null;
  try {
    const kept = (await readFile(file, "utf8")).trim();
    if (/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/.test(kept)) code = kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (!code) {
    code = newSetupCode();
    await mkdir(options.dataDir, { recursive: true });
    await rm(file, { force: true });
    await writeFile(file, `${code}\n`, { mode: 0o600, flag: "wx" });
  }
  await issueSetupCode(prisma, code, file);
  return { kind: "code", code, file };
}
