import { expect, test } from "@playwright/test";
import { admin } from "./fixtures";

test("the home page opens, signed in, and shows the database is up", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(admin.displayName);
  await expect(page.getByTestId("db-status")).toContainText("up");
});

test("every area is reachable from the navigation, by keyboard", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const area of [
    "Environments",
    "Containers",
    "Images",
    "Volumes",
    "Networks",
    "Swarm",
    "Audit",
    "Settings",
    "Profile",
  ]) {
    const link = nav.getByRole("link", { name: area, exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/${area.toLowerCase()}$`));
    await expect(page.getByRole("heading", { level: 1, name: area })).toBeVisible();
    await expect(link).toHaveAttribute("aria-current", "page");
  }
});

test("the theme switch toggles dark and light and survives a reload", async ({ page }) => {
  await page.goto("/");
  const html = page.locator("html");
  await page.getByRole("radio", { name: "Dark" }).click();
  await expect(html).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await page.getByRole("radio", { name: "Light" }).click();
  await expect(html).not.toHaveClass(/dark/);
});

test("an unknown address shows a page-not-found with a way back", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to Home" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
});
