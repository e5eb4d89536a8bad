import { expect, test, type Page } from "@playwright/test";
import { signedOut } from "./fixtures";

/** Every response the page's load asked for that came back 404 (a missing favicon was one on every page). */
function notFoundDuring(page: Page): string[] {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  return missing;
}

test("every page has its icons and manifest, and asks for nothing that is missing", async ({ page, request }) => {
  const missing = notFoundDuring(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  // The mark beside the name is the logo file the icons are drawn from.
  await expect(page.getByRole("navigation", { name: "Main" }).locator('img[src="/logo.svg"]')).toBeVisible();

  const links = await page
    .locator('link[rel="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]')
    .evaluateAll((els) => els.map((el) => ({ rel: el.getAttribute("rel"), href: el.getAttribute("href") })));
  expect(links.map((l) => l.rel).sort()).toEqual(["apple-touch-icon", "icon", "icon", "manifest"]);
  for (const { href } of links) expect((await request.get(href!)).status(), href!).toBe(200);

  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);

  const manifest = (await (await request.get("/manifest.webmanifest")).json()) as { icons: { src: string }[] };
  expect(manifest.icons.length).toBeGreaterThanOrEqual(3);
  for (const icon of manifest.icons) expect((await request.get(icon.src)).status(), icon.src).toBe(200);

  expect(missing).toEqual([]);
});

test.describe("signed out", () => {
  test.use({ storageState: signedOut });
  test("the sign-in page has them too", async ({ page }) => {
    const missing = notFoundDuring(page);
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /favicon\.ico|icon\.svg/);
    expect((await page.request.get("/favicon.ico")).status()).toBe(200);
    expect(missing).toEqual([]);
  });
});
