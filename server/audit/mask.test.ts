import { describe, expect, it } from "vitest";
import { maskCommandAndLabels, maskCommandLine, maskCommandWords, maskLabelValues, MASKED } from "./mask";

const PAT = "ghp_h7G1tHuBv4lu3a1B2c3D4e5F6g7H8i9J0k1L";

describe("command lines and labels as pages show them", () => {
  it("masks credentials by form and the values of secret-named flags and variables", () => {
    const line = `app --password=Pw-881 --upstream=postgres://app:pw-882@db:5432/app --api-token tok-883 ${PAT} --port 8080`;
    const masked = maskCommandLine(line);
    for (const secret of ["Pw-881", "pw-882", "tok-883", PAT.slice(4)]) expect(masked).not.toContain(secret);
    expect(masked).toBe(`app --password=${MASKED} --upstream=${MASKED} --api-token ${MASKED} ${MASKED} --port 8080`);
  });

  it("reads scripts inside words (sh -c) and leaves ordinary words alone", () => {
    const words = ["sh", "-c", "DB_PASSWORD=hunter2hunter2 exec app --secret 'x-884' --data-dir /var/lib", "--verbose"];
    expect(maskCommandWords(words)).toEqual([
      "sh",
      "-c",
      `DB_PASSWORD=${MASKED} exec app --secret ${MASKED} --data-dir /var/lib`,
      "--verbose",
    ]);
    expect(maskCommandWords(["nginx", "-g", "daemon off;"])).toEqual(["nginx", "-g", "daemon off;"]);
  });

  it("a bare secret flag masks the next word, even across words", () => {
    expect(maskCommandWords(["app", "--password", "hunter2", "--next"])).toEqual([
      "app",
      "--password",
      MASKED,
      "--next",
    ]);
  });

  it("labels: by form whatever the key, and by a secret-looking key", () => {
    expect(
      maskLabelValues({ "ci.value": PAT, "deploy.token": "plain", "deploy.note": "db.internal.example.com" }),
    ).toEqual({ "ci.value": MASKED, "deploy.token": MASKED, "deploy.note": "db.internal.example.com" });
  });

  it("one scan for a container's command and labels; the same objects back when nothing is secret", () => {
    const labels = { "com.docker.compose.project": "shop", note: "https://example.com/x?y=1" };
    const same = maskCommandAndLabels("nginx -g 'daemon off;'", labels);
    expect(same.labels).toBe(labels);
    expect(same.command).toBe("nginx -g 'daemon off;'");
    const masked = maskCommandAndLabels(`app ${PAT}`, { ...labels, remote: "https://u:pw-885@git.example.com/r.git" });
    expect(masked.command).toBe(`app ${MASKED}`);
    expect(masked.labels).toEqual({ ...labels, remote: MASKED });
  });

  it("a private key split over words is masked in every word", () => {
    const key = "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC -----END PRIVATE KEY-----";
    expect(maskCommandLine(`app ${key}`)).not.toContain("BEGIN PRIVATE");
  });
});
