// WCAG 2.2 AA, checked by axe-core over every page in both themes: a serious or critical
// finding fails the run. Plus what axe cannot see: where focus goes after a navigation and
// how many tab stops the theme switch costs (issue #18 item 9).
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { authFile, signedOut } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(`e2e-axe-${stamp}`);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `axe-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

const details = () => `/containers/${environment.id}/${container.id}`;

/** Every page a signed-in administrator reaches, the container's tabs included. */
const pages: { name: string; path: () => string }[] = [
  { name: "Home", path: () => "/" },
  { name: "Environments", path: () => "/environments" },
  { name: "Containers", path: () => "/containers" },
  { name: "New container", path: () => "/containers/new" },
  { name: "Container overview", path: details },
  { name: "Container logs", path: () => `${details()}/logs` },
  { name: "Container console", path: () => `${details()}/console` },
  { name: "Container files", path: () => `${details()}/files` },
  { name: "Container stats", path: () => `${details()}/stats` },
  { name: "Container processes", path: () => `${details()}/processes` },
  { name: "Container changes", path: () => `${details()}/changes` },
  { name: "Container inspect", path: () => `${details()}/inspect` },
  { name: "Images", path: () => "/images" },
  { name: "Volumes", path: () => "/volumes" },
  { name: "Networks", path: () => "/networks" },
  { name: "Swarm", path: () => "/swarm" },
  { name: "Stacks", path: () => "/stacks" },
  { name: "New stack", path: () => "/stacks/new" },
  { name: "Audit", path: () => "/audit" },
  { name: "Profile", path: () => "/profile" },
  { name: "Settings", path: () => "/settings" },
  { name: "Users", path: () => "/settings/users" },
  { name: "Teams", path: () => "/settings/teams" },
  { name: "Roles", path: () => "/settings/roles" },
  { name: "New role", path: () => "/settings/roles/new" },
  { name: "Access", path: () => "/settings/access" },
];

/**
 * The rules whose findings a theme can change: a theme swaps colours (CSS variables on `html`),
 * not elements, names or roles, so a page scanned whole in one theme needs only these in the other.
 */
const colourRules = ["color-contrast", "link-in-text-block"];

/** The serious and critical findings, one readable line per rule and element. */
async function seriousFindings(page: Page, { colourOnly = false } = {}): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const result = await (
    colourOnly
      ? builder.withRules(colourRules)
      : builder.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
  ).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(" ")} — ${n.failureSummary ?? v.help}`));
}

/** A page is scanned once it has drawn its heading and, where it can, stopped showing "Loading…". */
async function settle(page: Page): Promise<void> {
  await expect(page.locator("main h1").first()).toBeVisible({ timeout: 30_000 });
  // A stream that keeps a part loading (a slow host's stats) must not hide the rest from the scan.
  await expect(page.getByText(/^Loading/))
    .toHaveCount(0, { timeout: 15_000 })
    .catch(() => undefined);
}

// Each page is loaded once and scanned in both themes: the theme follows the system's (next-themes
// listens to prefers-color-scheme), so switching the emulated scheme redraws it in place. The light
// scan runs every rule; the dark one the colour rules, the only ones a theme can change.
for (const { name, path } of pages) {
  test(`${name} has no serious or critical accessibility finding, light or dark`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(path());
    await settle(page);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await expect(page.locator("html")).toHaveClass(colorScheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      const found = await seriousFindings(page, { colourOnly: colorScheme === "dark" });
      expect(found, `${colorScheme}:\n${found.join("\n")}`).toEqual([]);
    }
  });
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`the sign-in page has none either (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: signedOut, colorScheme });
    const page = await context.newPage();
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    const found = await seriousFindings(page);
    expect(found, found.join("\n")).toEqual([]);
    await context.close();
  });
}

test("after a navigation focus is on the main content, not the page's body", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Containers" }).click();
  await expect(page).toHaveURL(/\/containers$/);
  await expect(page.locator("main")).toBeFocused();
  // The next Tab goes into the page, not back through the navigation: once the page has
  // something to tab to (while the list loads there may be nothing focusable in it yet).
  await expect(page.getByRole("table", { name: "Containers" })).toBeVisible();
  await expect(page.locator("main")).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.querySelector("main")?.contains(document.activeElement))).toBe(true);
});

test("the theme switch is one tab stop; the arrow keys choose", async ({ page }) => {
  await page.goto("/");
  const group = page.getByRole("radiogroup", { name: "Theme" });
  await expect(group.locator('[tabindex="0"]')).toHaveCount(1);
  await group.getByRole("radio", { name: "Light" }).click();
  await expect(group.getByRole("radio", { name: "Light" })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("ArrowRight");
  await expect(group.getByRole("radio", { name: "Dark" })).toHaveAttribute("aria-checked", "true");
  await expect(group.getByRole("radio", { name: "Dark" })).toBeFocused();
  await expect(page.locator("html")).toHaveClass(/dark/);
  // Tab leaves the group at once.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.closest('[role="radiogroup"]') === null)).toBe(true);
  await group.getByRole("radio", { name: "System" }).click();
});
