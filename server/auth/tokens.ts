import { createHash, randomBytes } from "node:crypto";

/** A random secret for a cookie, API token or ticket: 32 bytes, base64url. */
export function newSecret(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** What the database keeps instead of the secret. */
export function sha256(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
