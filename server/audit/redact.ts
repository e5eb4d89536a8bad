// What an audit event keeps of a call's input: everything but secrets. A key that names a
// secret has its value replaced; so does the value of a KEY=VALUE environment entry (or an
// {name, value} pair) whose KEY looks secret.

export const REDACTED = "[redacted]";

const SECRET_NAME =
  /(pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth|cookie|session|totp|otp|recovery|(^|_)key$|^key$|tls|cert|\bpem\b|signature|salt|data$)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

function redactEnvEntry(entry: string): string {
  const eq = entry.indexOf("=");
  if (eq <= 0) return entry;
  return looksSecret(entry.slice(0, eq)) ? `${entry.slice(0, eq)}=${REDACTED}` : entry;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return REDACTED;
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === "string" ? redactEnvEntry(item) : redact(item, depth + 1)));
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // {name: "DB_PASSWORD", value: "..."} pairs, as forms send environment variables.
    const pairName = typeof record.name === "string" ? record.name : typeof record.key === "string" ? record.key : null;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      if (looksSecret(key) && key !== "name" && key !== "key") out[key] = REDACTED;
      else if (key === "value" && pairName && looksSecret(pairName)) out[key] = REDACTED;
      else if (typeof item === "string") out[key] = item.length > 4096 ? `${item.slice(0, 4096)}…` : item;
      else out[key] = redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
