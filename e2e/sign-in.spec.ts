import { expect, test, type Route } from "@playwright/test";
import { admin, signedOut, signIn } from "./fixtures";

test.use({ storageState: signedOut });

test("signed out, any page sends you to sign in", async ({ page }) => {
  await page.goto("/settings/users");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
});

test("the setup page is gone once the administrator exists", async ({ page }) => {
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused in the server's words, keeping what was typed", async ({ page }) => {
  await signIn(page, admin.username, "not-the-password-at-all");
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel("Username")).toHaveValue(admin.username);
});

test("Sign in pressed before the page's scripts run sends nothing, and never puts the password in the address", async ({
  page,
}) => {
  // The page's scripts are held back: the server-rendered form is all there is, as on a slow line.
  const held: Route[] = [];
  let holding = true;
  const scripts = (url: URL) => url.pathname.startsWith("/_next/static/") && url.pathname.endsWith(".js");
  await page.route(scripts, (route) => (holding ? held.push(route) : route.continue()));
  // (Not "domcontentloaded": the document waits for its deferred scripts to end that.)
  await page.goto("/login", { waitUntil: "commit" });
  await page.getByLabel("Username").fill("before-the-scripts");
  await page.getByLabel("Password").fill("a password typed early");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
  // Enter submits a form by itself, unless its submit button is disabled. A submission the
  // browser made itself goes out at once, as a GET carrying the fields: none may go.
  const sent = page.waitForRequest((request) => request.url().includes("password="), { timeout: 3000 });
  await page.getByLabel("Password").press("Enter");
  await expect(sent).rejects.toThrow(/Timeout/);
  expect(page.url()).not.toContain("password");
  expect(page.url()).toMatch(/\/login$/);

  holding = false;
  for (const route of held.splice(0)) await route.continue();
  // Once the page runs, the same form signs in (here: is refused, in the server's words).
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong username or password.");
  expect(page.url()).not.toContain("password");
});

test("signing in lands on Home; signing out ends the session", async ({ page }) => {
  await signIn(page, admin.username, admin.password);
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await page.goto("/login");
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login$/);
});
