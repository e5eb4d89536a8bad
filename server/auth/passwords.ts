import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { passwordRuleProblem } from "../modules/identity/contract";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const ARGON2ID = 2;
const options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const common = new Set((dictionary as { passwords: string[] }).passwords.map((p) => p.toLowerCase()));

/** Why a password is refused, or null when it is acceptable (the browser checks all but the list). */
export function passwordProblem(password: string, username?: string): string | null {
  return passwordRuleProblem(password, username, (lower) => common.has(lower));
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("stevedore-dummy-password-for-timing");
  return dummy;
}
