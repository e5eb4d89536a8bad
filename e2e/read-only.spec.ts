import { expect, test } from "@playwright/test";
import { authFile, viewer } from "./fixtures";

test.use({ storageState: authFile("viewer") });

test("a read-only user sees the areas but no administration", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("signed-in-user")).toHaveText(viewer.displayName);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Environments" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);

  for (const [path, permission] of [
    ["/settings", "settings.manage"],
    ["/settings/teams", "user.manage"],
    ["/settings/roles", "role.manage"],
    ["/settings/access", "role.manage"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: `You do not have permission (${permission})` })).toBeVisible();
  }
});
