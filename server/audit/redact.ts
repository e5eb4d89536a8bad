// What an audit event keeps of a call's input: everything but secrets. A key that names a
// secret has its value replaced; so does the value of a KEY=VALUE environment entry (or an
// {name, value} pair) whose KEY looks secret, and any value that is a credential by its form
// whatever it is called (a password in a URL, a GitHub or Slack token, an AWS key, a JWT, a
// private key). The same two tests decide what the container pages mask.

export const REDACTED = "[redacted]";

const SECRET_NAME =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth|cookie|session|totp|otp|recovery|(^|_)key$|^key$|(^|_)pat$|(^|_)dsn$|conn(ection)?[_-]?str(ing)?|tls|cert|\bpem\b|signature|salt|data$)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Credentials recognised by their form, after the rules of gitleaks' default configuration
 * (its rule ids in comments): each pattern is a documented, fixed token format, so a match is
 * a credential whatever the variable is called.
 */
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  // user:password@ in any URL (database URLs, registries, git remotes): basic-auth-url
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i,
  // -----BEGIN … PRIVATE KEY-----: private-key
  /-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/,
  // GitHub: github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat
  /\b(ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}\b/,
  /\bgithub_pat_[0-9A-Za-z_]{82}\b/,
  // GitLab: gitlab-pat and its sibling tokens
  /\bgl(pat|dt|ptt|rt|cbt|soat|ft|imt|agent)-[0-9A-Za-z_-]{20,}/,
  // Slack: slack-bot-token, slack-user-token, slack-app-token, slack-webhook-url
  /\bxox[abposre]-[0-9A-Za-z-]{10,}/,
  /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/i,
  /https:\/\/hooks\.slack\.com\/(services|workflows)\/[A-Za-z0-9+/]{43,}/,
  // AWS: aws-access-token (access key ids; the secret key beside it is caught by its name)
  /\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/,
  // JSON Web Tokens: jwt
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  // Google API keys: gcp-api-key
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  // Stripe: stripe-access-token
  /\b(sk|rk)_(test|live|prod)_[0-9a-zA-Z]{10,99}\b/,
  // npm: npm-access-token
  /\bnpm_[a-z0-9]{36}\b/i,
  // OpenAI and Anthropic API keys: openai-api-key, anthropic-api-key
  /\bsk-(proj-|ant-api03-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/,
  /\bsk-ant-(api03|admin01)-[a-zA-Z0-9_-]{93}AA\b/,
  // SendGrid, Twilio, Shopify, PyPI, Docker Hub personal access tokens
  /\bSG\.[a-zA-Z0-9=_-]{22}\.[a-zA-Z0-9=_-]{43}\b/,
  /\bSK[0-9a-fA-F]{32}\b/,
  /\bshp(at|ca|pa|ss)_[a-fA-F0-9]{32}\b/,
  /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/,
  /\bdckr_pat_[A-Za-z0-9_-]{27}\b/,
];

/** True when `value` holds a credential recognisable by its form. */
export function looksSecretValue(value: string): boolean {
  if (value.length < 8) return false;
  const sample = value.length > 65_536 ? value.slice(0, 65_536) : value;
  return SECRET_VALUE_PATTERNS.some((pattern) => pattern.test(sample));
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
      else if (typeof item === "string") out[key] = item.length > 4096 ? `${item.slice(0, 4096)}…` : item;
      else out[key] = redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
