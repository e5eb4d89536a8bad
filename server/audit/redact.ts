// What an audit event keeps of a call's input: everything but secrets. A key that names a
// secret has its value replaced; so does the value of a KEY=VALUE environment entry (or an
// {name, value} pair) whose KEY looks secret, and any value that is a credential by its form
// whatever it is called (a password in a URL, a GitHub or Slack token, an AWS key, a JWT, a
// private key: secretlint's recommended rules, credential-scan.ts, and the few below). The same
// tests decide what every page masks and every export leaves out. Server-only: the rule set is
// large and never goes to a browser.
import "server-only";
import { findCredentials } from "./credential-scan";

export const REDACTED = "[redacted]";

const SECRET_NAME =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth|cookie|session|totp|otp|recovery|(^|_)key$|^key$|(^|_)pat$|(^|_)dsn$|conn(ection)?[_-]?str(ing)?|tls|cert|\bpem\b|signature|salt|data$)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Credentials by their form that secretlint's preset (credential-scan.ts) leaves to us: a
 * password in a URL of any scheme (the preset knows http(s) basic auth and the common database
 * schemes, not `redis://:pw@`, `amqp://`, `ftp://`), JSON Web Tokens, and a private key's PEM
 * header even when its body is cut or not a valid key (the preset checks the body to avoid
 * reporting placeholders; a masker would rather hide a placeholder than show half a key).
 */
const OWN_VALUE_PATTERNS: readonly RegExp[] = [
  /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@]{0,256}:[^\s/@]{1,512}@/i,
  /-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
];

/** Where in `text` credentials recognisable by their form are: [start, end) each. */
export function credentialSpans(text: string): (readonly [number, number])[] {
  const spans: (readonly [number, number])[] = findCredentials(text).map((finding) => finding.range);
  for (const pattern of OWN_VALUE_PATTERNS) {
    for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
      spans.push([match.index, match.index + match[0].length]);
    }
  }
  return spans;
}

/**
 * Answers for short values seen lately: the full rule set costs tens of microseconds a value,
 * and the same labels, commands and variables come back on every view of a container.
 */
const recentAnswers = new Map<string, boolean>();
const RECENT_ANSWERS = 4096;
const REMEMBERED_LENGTH = 1024;

/** True when `value` holds a credential recognisable by its form. */
export function looksSecretValue(value: string): boolean {
  if (value.length < 8) return false;
  const remembered = value.length <= REMEMBERED_LENGTH ? recentAnswers.get(value) : undefined;
  if (remembered !== undefined) return remembered;
  const sample = value.length > 65_536 ? value.slice(0, 65_536) : value;
  const found = OWN_VALUE_PATTERNS.some((pattern) => pattern.test(sample)) || findCredentials(sample).length > 0;
  if (value.length <= REMEMBERED_LENGTH) {
    if (recentAnswers.size >= RECENT_ANSWERS) recentAnswers.delete(recentAnswers.keys().next().value!);
    recentAnswers.set(value, found);
  }
  return found;
}

/** A variable (or field) whose value must not be shown or recorded: by its name or its value. */
export function isSecretVariable(name: string, value: string | undefined | null): boolean {
  return looksSecret(name) || (typeof value === "string" && looksSecretValue(value));
}

function redactEnvEntry(entry: string): string {
  const eq = entry.indexOf("=");
  if (eq <= 0) return looksSecretValue(entry) ? REDACTED : entry;
  return isSecretVariable(entry.slice(0, eq), entry.slice(eq + 1)) ? `${entry.slice(0, eq)}=${REDACTED}` : entry;
}

// A line of a YAML document (`KEY: value`, `- KEY: value`) or of an env file or environment
// list (`KEY=value`, `- KEY=value`, `export KEY=value`).
const YAML_PAIR = /^(\s*(?:-\s+)?)(["']?)([A-Za-z_][\w.-]*)\2(\s*:\s+)(.*)$/;
const ENV_PAIR = /^(\s*(?:-\s+)?(?:export\s+)?)(["']?)([A-Za-z_][\w.]*)=(.*?)(\2)\s*$/;
/** a YAML value that opens a structure (a block, a flow collection, an anchor) rather than being one */
const STRUCTURE = /^([|>][-+0-9]*|[[{&*!]|#|$)/;

/**
 * A multi-line text (a compose file, an env file) with the value of every `KEY: value` and
 * `KEY=value` line whose key looks secret, and of every line holding a credential by its form,
 * replaced. The rest of the text (its structure, the other values) stays readable.
 */
export function redactText(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const env = ENV_PAIR.exec(line);
      if (env && looksSecret(env[3]!)) return `${env[1]}${env[2]}${env[3]}=${REDACTED}${env[5]}`;
      const yaml = YAML_PAIR.exec(line);
      if (yaml && looksSecret(yaml[3]!) && !STRUCTURE.test(yaml[5]!.trim())) {
        return `${yaml[1]}${yaml[2]}${yaml[3]}${yaml[2]}${yaml[4]}${REDACTED}`;
      }
      if (looksSecretValue(line)) {
        const at = line.search(/[:=]\s*/);
        return at > 0 ? `${line.slice(0, at + 1)} ${REDACTED}` : REDACTED;
      }
      return line;
    })
    .join("\n");
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
      else if (typeof item === "string" && looksSecretValue(item)) out[key] = REDACTED;
      else if (typeof item === "string") {
        const text = item.includes("\n") ? redactText(item) : item;
        out[key] = text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
      } else out[key] = redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
