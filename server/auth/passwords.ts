import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const ARGON2ID = 2;
const options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
const common = new Set((dictionary as { passwords: string[] }).passwords.map((p) => p.toLowerCase()));

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 256) return "Use at most 256 characters.";
  const lower = password.toLowerCase();
  if (common.has(lower)) return "This password is on a list of common passwords; choose another.";
  if (username && lower.includes(username.toLowerCase())) return "The password must not contain the username.";
  if (/^(.)\1+$/.test(password)) return "The password must not be one character repeated.";
  return null;
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
