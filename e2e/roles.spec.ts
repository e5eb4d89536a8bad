import { expect, test } from "@playwright/test";

test("built-in roles are read-only; a custom role is built from the permission matrix", async ({ page }) => {
  await page.goto("/settings/roles");
  const roles = page.getByRole("table", { name: "Roles" });
  await expect(roles.getByRole("row").filter({ hasText: "Operator" })).toContainText("Built-in");

  await roles.getByRole("link", { name: "View Operator" }).click();
  await expect(page.getByText("Built-in roles cannot be changed")).toBeVisible();
  await expect(page.getByLabel("container.exec")).toBeChecked();
  await expect(page.getByLabel("container.exec")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save role" })).toHaveCount(0);

  await page.goto("/settings/roles/new");
  await page.getByLabel("Role name").fill("Log reader");
  await page.getByLabel("Description").fill("Reads logs, nothing else");
  await page.getByLabel("container.read").check();
  await page.getByLabel("container.logs").check();
  // A whole resource at once, then one taken back.
  await page.getByLabel("All of Images").check();
  await page.getByLabel("image.delete").uncheck();
  await expect(page.getByLabel("All of Images")).not.toBeChecked();
  // As many as the matrix shows ticked (the catalogue grows with new resources).
  const ticked = await page.getByRole("checkbox", { checked: true }).count();
  expect(ticked).toBeGreaterThanOrEqual(4);
  await page.getByRole("button", { name: "Create role" }).click();

  await expect(page).toHaveURL(/\/settings\/roles$/);
  const row = page.getByRole("table", { name: "Roles" }).getByRole("row").filter({ hasText: "Log reader" });
  await expect(row).toContainText("Custom");
  await expect(row.getByRole("cell").nth(1)).toHaveText(String(ticked));
});
