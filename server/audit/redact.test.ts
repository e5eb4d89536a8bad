import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact";

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
