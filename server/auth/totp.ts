// TOTP two-factor (RFC 6238, 30 s steps, 6 digits) with otplib, and recovery codes.
import { randomBytes } from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { sha256 } from "./tokens";

export function newTotpSecret(): string {
  return generateSecret();
}

export async function totpEnrolment(secret: string, username: string) {
  const uri = generateURI({ issuer: "Stevedore", label: username, secret });
  return { uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}

/** The time step a code was valid for, or null. One step either side allows clock skew. */
export async function checkTotp(secret: string, code: string): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await verify({ secret, token: code, epochTolerance: 30 });
    if (!result.valid) return null;
    // The step the code matched (its period start / 30 s), to refuse replays of it.
    return "epoch" in result ? Math.floor(result.epoch / 30) : null;
  } catch {
    return null;
  }
}

/** For tests and tools: the current code. */
export function currentTotp(secret: string): Promise<string> {
  return generate({ secret });
}

export const RECOVERY_CODE_COUNT = 10;

/** Ten single-use codes like `k3vq-8xzd-p2mw`, shown once; the database keeps their hashes. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(12);
    const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

export function hashRecoveryCode(code: string): string {
  return sha256(code.trim().toLowerCase());
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i.test(code.trim());
}
