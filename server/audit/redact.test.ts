import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { asynchronousRules, CREDENTIAL_RULE_IDS } from "./credential-scan";
import { isSecretVariable, looksSecretValue, REDACTED, redact } from "./redact";

describe("redact", () => {
  it("hides values of secret-named keys, env entries and name/value pairs", () => {
    const input = {
      username: "alice",
      password: "hunter2-hunter2",
      registry: { serveraddress: "r.example", username: "bot", password: "reg-pass" },
      env: ["PATH=/bin", "DB_PASSWORD=s3cret", "API_TOKEN=tok", "MODE=prod"],
      vars: [
        { name: "AWS_SECRET_ACCESS_KEY", value: "abc" },
        { name: "LOG_LEVEL", value: "debug" },
      ],
      tls: { ca: "-----BEGIN CERTIFICATE-----", key: "-----BEGIN PRIVATE KEY-----" },
    };
    const out = JSON.stringify(redact(input));
    for (const secret of ["hunter2", "reg-pass", "s3cret", "=tok", '"abc"', "PRIVATE KEY", "CERTIFICATE"]) {
      expect(out).not.toContain(secret);
    }
    for (const kept of ["alice", "PATH=/bin", "MODE=prod", "LOG_LEVEL", "debug", "r.example"])
      expect(out).toContain(kept);
    expect(out).toContain(`DB_PASSWORD=${REDACTED}`);
  });
});

describe("credentials recognised by their value, whatever the variable is called", () => {
  // Real formats (made-up values of the right shape, as the providers document them; not the
  // providers' own documentation examples, which secretlint rightly lets through).
  const rsaKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  const samples: Record<string, string> = {
    DATABASE_URL: "postgres://app:s3cr3t-pw@db.internal:5432/app",
    MYSQL: "mysql://root:Hunter2Hunter2@mysql:3306/shop",
    MONGO: "mongodb+srv://admin:Pa55word-x@cluster0.example.net/test",
    REDIS: "redis://default:hunter2hunter2@cache:6379/0",
    REDIS_NO_USER: "redis://:hunter2hunter2@cache:6379/0",
    AMQP: "amqp://rabbit:carrot-carrot@mq:5672/vhost",
    GIT_REMOTE: "https://deploy:tok3n-tok3n@git.example.com/team/app.git",
    GITHUB: "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    GITHUB_OAUTH: "gho_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    FINE_GRAINED: `github_pat_11ABCDEFG0${"a1B2c3D4e5".repeat(7)}ab`,
    GITLAB: "glpat-Ab3dEf6hIj9kLm2nOp5q",
    SLACK: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    SLACK_HOOK: "https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/AbCdEfGhIjKlMnOpQrStUvWx",
    AWS_ID: "AKIAQYLPMN5HHHFPZAM2",
    AWS_SECRET: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEK3Y",
    STRIPE: "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx",
    STRIPE_RESTRICTED: "rk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx",
    JWT: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    KEYFILE: rsaKey,
    KEY_HEADER_ONLY: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    NPM: "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    SENDGRID: "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",
    ANTHROPIC: `sk-ant-api03-${"a1B2c3D4e5".repeat(9)}abcAA`,
    DOCKERHUB: "dckr_pat_a1B2c3D4e5F6g7H8i9J0k1L2m3N",
  };

  it("recognises each format", () => {
    for (const [name, value] of Object.entries(samples)) expect(looksSecretValue(value), name).toBe(true);
  });

  it("leaves ordinary values alone", () => {
    for (const value of [
      "https://example.com/path?x=1",
      "https://user@example.com/path",
      "postgres://db.internal:5432/app",
      "/usr/local/bin:/usr/bin:/bin",
      "/var/lib/postgresql/data",
      "db.internal.example.com",
      "registry.example.com:5000/team/app:1.4.2",
      "production",
      "1.25.3",
      "v20.19.0-bookworm",
      "Europe/Berlin",
      "en_US.UTF-8",
      "123e4567-e89b-12d3-a456-426614174000",
      "0123456789abcdef0123456789abcdef",
      "sha256:2f1e0b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
      "nginx:1.27-alpine",
      "nginx@sha256:2f1e0b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
      "-Xmx512m -Dfile.encoding=UTF-8",
      "AKIA-not-a-key",
      "ghp_short",
      "sk_test_short",
    ]) {
      expect(looksSecretValue(value), value).toBe(false);
    }
  });

  it("redacts them in events, in env entries, pairs and plain fields", () => {
    const out = JSON.stringify(
      redact({
        env: Object.entries(samples).map(([k, v]) => `${k}=${v}`),
        vars: [{ name: "UPSTREAM", value: samples.DATABASE_URL }],
        url: samples.REDIS,
        command: ["app", "--token", samples.GITHUB],
      }),
    );
    for (const value of Object.values(samples)) expect(out).not.toContain(secretPart(value));
    expect(out).toContain(`GITHUB=${REDACTED}`);
    expect(out).toContain("UPSTREAM");
  });

  it("names that suggest credentials count too", () => {
    for (const name of [
      "GITHUB_PAT",
      "SENTRY_DSN",
      "DB_CONNECTION_STRING",
      "MYSQL_PWD",
      "API_TOKEN",
      "STRIPE_API_KEY",
    ]) {
      expect(isSecretVariable(name, "x"), name).toBe(true);
    }
    expect(isSecretVariable("LOG_LEVEL", "debug")).toBe(false);
    expect(isSecretVariable("PGHOST", "db.internal")).toBe(false);
  });

  it("runs secretlint's recommended rules, synchronously", () => {
    for (const id of ["github", "gitlab", "aws", "slack", "stripe", "privatekey", "basicauth", "npm"]) {
      expect(CREDENTIAL_RULE_IDS).toContain(`@secretlint/secretlint-rule-${id}`);
    }
    expect(asynchronousRules()).toEqual([]);
  });

  it("stays quick on a long value", () => {
    // 64 KiB of token-like text: bounded, and no rule is thrown off by it.
    expect(looksSecretValue("a1B2c3-".repeat(20_000))).toBe(false);
  });
});

/** The part of a sample that must never show (past its provider prefix). */
function secretPart(value: string): string {
  const url = /:\/\/[^/]*?:([^@]+)@/.exec(value);
  if (url) return url[1]!;
  const body = value.includes("-----BEGIN") ? value.split("\n")[1]! : value;
  return body.slice(Math.min(12, body.length - 8));
}

describe("multi-line text (a compose file, an env file)", () => {
  it("hides the values of secret-named keys and credentials, keeps the rest", async () => {
    const { redactText } = await import("./redact");
    const compose = [
      "services:",
      "  db:",
      "    image: postgres:16",
      "    environment:",
      "      POSTGRES_PASSWORD: hunter2-hunter2",
      "      - API_TOKEN=tok-123456",
      "      LOG_LEVEL: debug",
      "      DATABASE_URL: postgres://app:s3cr3t-pw@db:5432/app",
      "    secrets: [db_password]",
      "    secrets:",
      "      - db_password",
      "x-key: &anchor",
    ].join("\n");
    const out = redactText(compose);
    for (const secret of ["hunter2", "tok-123456", "s3cr3t-pw"]) expect(out).not.toContain(secret);
    for (const kept of [
      "image: postgres:16",
      "LOG_LEVEL: debug",
      "secrets: [db_password]",
      "- db_password",
      "x-key: &anchor",
    ]) {
      expect(out).toContain(kept);
    }
    expect(out).toContain(`POSTGRES_PASSWORD: ${REDACTED}`);
    expect(out).toContain(`- API_TOKEN=${REDACTED}`);
    expect(redactText("DB_PASSWORD=a\nMODE=prod\nexport SECRET_KEY=b")).toBe(
      `DB_PASSWORD=${REDACTED}\nMODE=prod\nexport SECRET_KEY=${REDACTED}`,
    );
  });

  it("applies to every multi-line string an audit event keeps", () => {
    const out = JSON.stringify(
      redact({ composeFile: "services:\n  a:\n    environment:\n      DB_PASSWORD: pw-pw-pw-1\n" }),
    );
    expect(out).not.toContain("pw-pw-pw-1");
  });
});
