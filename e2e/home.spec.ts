import { expect, test } from "@playwright/test";
import { admin, expectStatusChangeInTheGapShown, mutate, signIn, signedOut } from "./fixtures";

test("the home page opens, signed in, and shows the database is up", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(admin.displayName);
  await expect(page.getByTestId("db-status")).toContainText("up");
});

test("someone with no role on any environment sees an empty Home, not an error", async ({ browser, page }) => {
  const nobody = { username: `nora-${Date.now()}`, displayName: "Nora Newcomer", password: "gantry-hawser-3317" };
  await mutate(page.request, "users.create", nobody);
  const context = await browser.newContext({ storageState: signedOut });
  const fresh = await context.newPage();
  await signIn(fresh, nobody.username, nobody.password);
  await expect(fresh.getByTestId("signed-in-user")).toHaveText(nobody.displayName);
  await expect(fresh.getByRole("heading", { name: "No environments for you" })).toBeVisible();
  await expect(fresh.getByText("Ask an administrator")).toBeVisible();
  await expect(fresh.getByText(/Could not load|You do not have permission/)).toHaveCount(0);
  await context.close();
});

test("an environment that cannot be reached shows as a down card with its error", async ({ page }) => {
  const name = `home-down-${Date.now()}`;
  const env = await mutate<{ id: string }>(page.request, "environments.create", {
    name,
    url: "unix:///tmp/none.sock",
    skipTest: true,
  });
  try {
    await page.goto("/");
    const card = page.getByRole("article", { name });
    await expect(card).toBeVisible();
    // The first probe fails within its deadline; the live feed brings the new state in.
    await expect(card.getByText("down", { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(card.getByRole("note")).toContainText(/No Docker socket exists|none\.sock/);
    await expect(card.getByRole("note")).toContainText("Failing since");
    const summary = page.getByRole("region", { name: "All environments" });
    await expect(summary).toContainText("Down");
    await expect(page.getByRole("heading", { name: "No environments yet" })).toHaveCount(0);
  } finally {
    await mutate(page.request, "environments.remove", { environmentId: env.id });
  }
});

test("a status change between Home's first read and its live feed's start shows at the start", async ({ page }) => {
  await expectStatusChangeInTheGapShown(page, "/", (name) => page.getByRole("article", { name }));
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
    "Stacks",
    "Secrets",
    "Configs",
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
