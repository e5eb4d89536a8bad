// A phone (390x844): the navigation is a drawer behind a menu button, and no main page
// scrolls sideways: tables choose their columns or scroll inside themselves, dialogs fit
// (issue #18 item 8).
import { expect, test, type Page } from "@playwright/test";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(`e2e-phone-with-a-rather-long-name-${stamp}`);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `phone-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

/** How far the page itself scrolls sideways (0 when it fits the screen). */
const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The innermost elements that reach past the screen's right edge, to name the culprit. */
const widest = (page: Page) =>
  page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    // What sticks out of a box that scrolls or clips it does not widen the page. A positioned
    // element is clipped only by such a box at or above the one it is placed against: one
    // that is not (a screen-reader-only label in a scrolling table) widens the page.
    const clipped = (element: HTMLElement) => {
      const placed = ["absolute", "fixed"].includes(getComputedStyle(element).position);
      let placedAgainst = !placed;
      for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (placedAgainst && style.overflowX !== "visible") return true;
        if (!placedAgainst && style.position !== "static") placedAgainst = true;
      }
      return false;
    };
    const past = [...document.querySelectorAll<HTMLElement>("body *")].filter(
      (element) => element.getBoundingClientRect().right > edge + 0.5 && !clipped(element),
    );
    return past
      .filter((element) => !past.some((other) => other !== element && element.contains(other)))
      .slice(0, 3)
      .map(
        (element) =>
          `<${element.tagName.toLowerCase()} class="${element.className}">${element.textContent?.slice(0, 40)}`,
      );
  });

test("the navigation is a drawer: opened by the menu button, closed by Escape or by choosing a page", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  const menu = page.getByRole("button", { name: "Open navigation" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  await menu.click();
  await expect(nav).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav.getByRole("link").first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await nav.getByRole("link", { name: "Containers" }).click();
  await expect(page).toHaveURL(/\/containers$/);
  await expect(nav).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Containers" })).toBeVisible();
});

const mainPages: { name: string; path: () => string }[] = [
  { name: "Home", path: () => "/" },
  { name: "Environments", path: () => "/environments" },
  { name: "Containers", path: () => "/containers" },
  { name: "New container", path: () => "/containers/new" },
  { name: "Container overview", path: () => `/containers/${environment.id}/${container.id}` },
  { name: "Container logs", path: () => `/containers/${environment.id}/${container.id}/logs` },
  { name: "Container console", path: () => `/containers/${environment.id}/${container.id}/console` },
  { name: "Container files", path: () => `/containers/${environment.id}/${container.id}/files` },
  { name: "Container stats", path: () => `/containers/${environment.id}/${container.id}/stats` },
  { name: "Images", path: () => "/images" },
  { name: "Volumes", path: () => "/volumes" },
  { name: "Networks", path: () => "/networks" },
  { name: "Swarm", path: () => "/swarm" },
  { name: "Stacks", path: () => "/stacks" },
  { name: "Audit", path: () => "/audit" },
  { name: "Profile", path: () => "/profile" },
  { name: "Users", path: () => "/settings/users" },
  { name: "Roles", path: () => "/settings/roles" },
  { name: "Access", path: () => "/settings/access" },
];

test("no main page scrolls sideways at 390 pixels", async ({ page }) => {
  test.setTimeout(240_000);
  const wide: string[] = [];
  for (const { name, path } of mainPages) {
    await page.goto(path());
    await expect(page.locator("main h1").first()).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 20_000 });
    // Every loading skeleton (components/ui/loading.tsx) has made way for what it stood for.
    await expect(page.locator('[role="status"] > .animate-pulse, [role="status"].animate-pulse')).toHaveCount(0, {
      timeout: 20_000,
    });
    const overflow = await sideways(page);
    if (overflow > 0) wide.push(`${name}: ${overflow}px too wide, ${(await widest(page)).join("; ")}`);
  }
  expect(wide, wide.join("\n")).toEqual([]);
});

test("a dialog fits the screen", async ({ page }) => {
  await page.goto("/volumes");
  await page.getByRole("button", { name: /Create volume/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const box = await dialog.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  expect(await sideways(page)).toBeLessThanOrEqual(0);
});

test("the main pages are pictured at 390x844 in both themes", async ({ page }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const [name, path] of [
      ["home", "/"],
      ["containers", "/containers"],
      ["details", `/containers/${environment.id}/${container.id}`],
      ["audit", "/audit"],
    ] as const) {
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible({ timeout: 20_000 });
      await page.screenshot({ path: test.info().outputPath(`phone-${name}-${colorScheme}.png`), fullPage: true });
    }
  }
});
