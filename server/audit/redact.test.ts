import { describe, expect, it } from "vitest";
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
  // Real formats (made-up values of the right shape, as the providers document them).
  const samples: Record<string, string> = {
    DATABASE_URL: "postgres://app:s3cr3t-pw@db.internal:5432/app",
    REDIS: "redis://default:hunter2hunter2@cache:6379/0",
    GITHUB_PAT: "ghp_0123456789abcdefghijABCDEFGHIJ012345",
    FINE_GRAINED: `github_pat_11ABCDEFG0${"a1B2c3D4e5".repeat(7)}ab`,
    GITLAB: "glpat-xYz012345678901234567",
    SLACK: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    SLACK_HOOK: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX1234567890123456789",
    AWS_ID: "AKIAIOSFODNN7EXAMPLE",
    JWT: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    KEYFILE: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    GOOGLE: "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    STRIPE: "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    NPM: "npm_abcdefghijklmnopqrstuvwxyz0123456789",
    DOCKERHUB: "dckr_pat_abcdefghijklmnopqrstuvwxyz0",
  };

  it("recognises each format", () => {
    for (const [name, value] of Object.entries(samples)) expect(looksSecretValue(value), name).toBe(true);
  });

  it("leaves ordinary values alone", () => {
    for (const value of [
      "https://example.com/path?x=1",
      "postgres://db.internal:5432/app",
      "/usr/local/bin:/usr/bin",
      "production",
      "sha256:2f1e0b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
      "nginx:1.27-alpine",
      "AKIA-not-a-key",
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
        command: ["app", "--token", samples.GITHUB_PAT],
      }),
    );
    for (const value of Object.values(samples)) expect(out).not.toContain(value.slice(0, 24));
    expect(out).toContain(`GITHUB_PAT=${REDACTED}`);
    expect(out).toContain("UPSTREAM");
  });

  it("names that suggest credentials count too", () => {
    for (const name of ["GITHUB_PAT", "SENTRY_DSN", "DB_CONNECTION_STRING", "MYSQL_PWD", "API_TOKEN"]) {
      expect(isSecretVariable(name, "x"), name).toBe(true);
    }
    expect(isSecretVariable("LOG_LEVEL", "debug")).toBe(false);
  });
});
