import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { admin, authFile, dataDir, mutate, query, signIn, viewer } from "./fixtures";

setup("first start: the one-time setup creates the administrator", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByText("12 characters", { exact: false }).first()).toBeVisible();
  // The server printed a one-time setup code at start and keeps it, 0600, in its data folder:
  // read by whoever installed it, as an administrator would from the log.
  const setupCode = readFileSync(path.join(dataDir, "setup-code"), "utf8").trim();
  // Without it (or with a wrong one) nothing is created.
  await page.getByLabel("Setup code").fill("AAAAA-BBBBB-CCCCC-DDDDD");
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("That is not the setup code")).toBeVisible();
  await page.getByLabel("Setup code").fill(setupCode);
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Display name").fill(admin.displayName);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(admin.displayName);
  await page.context().storageState({ path: authFile("admin") });
});

setup("a read-only user, signed in", async ({ browser }) => {
  const asAdmin = await browser.newContext({ storageState: authFile("admin") });
  const user = await mutate<{ id: string }>(asAdmin.request, "users.create", viewer);
  const roles = await query<{ id: string; name: string }[]>(asAdmin.request, "roles.list");
  const readOnly = roles.find((role) => role.name === "Read-only");
  expect(readOnly).toBeDefined();
  await mutate(asAdmin.request, "bindings.create", { roleId: readOnly!.id, userId: user.id, environmentId: null });
  await asAdmin.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, viewer.username, viewer.password);
  await expect(page.getByTestId("signed-in-user")).toHaveText(viewer.displayName);
  await context.storageState({ path: authFile("viewer") });
  await context.close();
});
