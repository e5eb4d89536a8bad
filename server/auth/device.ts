// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
// that signed in to an account gets a cookie naming that account, sealed with the server's key
// (AES-256-GCM: it cannot be forged or edited). Sign-in attempts that carry it are counted on
// their own (device:<nonce>), not on the account's shared count, so a stranger guessing at the
// account from elsewhere slows only browsers that never signed in to it, never the real user's.
import { randomBytes } from "node:crypto";
import type { SecretBox } from "../crypto/secret-box";

export const DEVICE_COOKIE = "stevedore_device";
const DEVICE_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

interface DeviceClaim {
  /** the account (lower-case username) this browser signed in to */
  u: string;
  /** this cookie's own identity, the throttle key */
  n: string;
}

export function deviceCookie(secrets: SecretBox, username: string, secure: boolean): string {
  const claim: DeviceClaim = { u: username.toLowerCase(), n: randomBytes(16).toString("base64url") };
  const value = Buffer.from(secrets.seal(JSON.stringify(claim))).toString("base64url");
  const expires = new Date(Date.now() + DEVICE_LIFETIME_MS).toUTCString();
  return [
    `${DEVICE_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expires}`,
    secure ? "Secure" : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/** The device's nonce when `value` is a genuine device cookie for `username`, else null. */
export function deviceFor(secrets: SecretBox, value: string | null | undefined, username: string): string | null {
  if (!value || value.length > 1024) return null;
  try {
    const claim = JSON.parse(secrets.open(Buffer.from(value, "base64url").toString("utf8"))) as Partial<DeviceClaim>;
    if (claim.u !== username.toLowerCase() || typeof claim.n !== "string" || !claim.n) return null;
    return claim.n;
  } catch {
    return null; // not ours, edited, or sealed with another key
  }
}
