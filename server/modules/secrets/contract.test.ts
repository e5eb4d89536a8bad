import { describe, expect, it } from "vitest";
import { createInput, nextVersionName, objectCli } from "./contract";

describe("secrets contract", () => {
  it("names the next version of a rotated object", () => {
    expect(nextVersionName("db_password")).toBe("db_password-v2");
    expect(nextVersionName("db_password-v2")).toBe("db_password-v3");
    expect(nextVersionName("shop_tls-v19")).toBe("shop_tls-v20");
    expect(nextVersionName("x".repeat(64)).length).toBeLessThanOrEqual(64);
  });

  it("refuses names the engine would refuse, and data over 500 KiB", () => {
    const ok = { environmentId: "e", name: "a.b-c_d", data: "x" };
    expect(createInput.safeParse(ok).success).toBe(true);
    for (const name of ["", "-lead", "a/b", "a b", "x".repeat(65), "../etc"]) {
      expect(createInput.safeParse({ ...ok, name }).success, name).toBe(false);
    }
    expect(createInput.safeParse({ ...ok, data: "a".repeat(700 * 1024) }).success).toBe(false);
  });

  it("writes the docker lines of a rotation, the data never on them", () => {
    const lines = objectCli.rotate("prod", "secret", {
      oldName: "db",
      newName: "db-v2",
      labels: {},
      services: [{ name: "shop_web", target: "db_password" }],
    });
    expect(lines).toEqual([
      "docker --context prod secret create db-v2 ./data-file",
      "docker --context prod service update --secret-rm db --secret-add source=db-v2,target=db_password shop_web",
      "docker --context prod secret rm db",
    ]);
  });
});
