import { expect, test, type Browser } from "@playwright/test";
import { authFile, mutate, query, signedOut, signIn } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

// The containers page draws its first screen in the server render (app/(app)/containers/page.tsx):
// the first rows are in the HTML, before any script runs, and they are exactly the rows the API
// gives that caller. A browser that loads none of the page's scripts (only the HTML's own inline
// ones, which put the streamed rows in place) sees what the HTML holds, and nothing else.
const stamp = Date.now();
const name = `e2e-first-${stamp}`;
const reader = { username: `fiona${stamp}`, displayName: "Fiona First", password: "capstan-fairlead-bitt-5120" };
let mine: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let other: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(name);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  // Two environments on the same engine: the container shows once in each.
  mine = await addStandaloneEnvironment(admin.request, `first-mine-${stamp}`);
  other = await addStandaloneEnvironment(admin.request, `first-other-${stamp}`);
  const user = await mutate<{ id: string }>(admin.request, "users.create", reader);
  const roles = await query<{ id: string; name: string }[]>(admin.request, "roles.list");
  const readOnly = roles.find((role) => role.name === "Read-only");
  expect(readOnly).toBeDefined();
  await mutate(admin.request, "bindings.create", { roleId: readOnly!.id, userId: user.id, environmentId: mine.id });
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await mine?.remove(admin.request);
  await other?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

/** The rows of the container, by environment, in the page as it comes (no script of the app runs). */
async function servedRows(browser: Browser, storageState: Awaited<ReturnType<typeof signedInState>>) {
  const context = await browser.newContext({ storageState });
  await context.route("**/_next/static/**/*.js", (route) => route.abort());
  try {
    const page = await context.newPage();
    const seen = { mine: 0, other: 0 };
    // A new environment is read once it is added; until then its rows are not in the picture.
    await expect(async () => {
      const response = await page.goto(`/containers?q=${name}`);
      // Rows of one caller: never kept by a shared cache on the way.
      expect(response?.headers()["cache-control"]).toMatch(/no-store/);
      const rows = page.getByRole("row").filter({ hasText: name });
      seen.mine = await rows.filter({ has: page.locator(`a[href^="/containers/${mine.id}/"]`) }).count();
      seen.other = await rows.filter({ has: page.locator(`a[href^="/containers/${other.id}/"]`) }).count();
      expect(seen.mine).toBe(1);
    }).toPass({ timeout: 30_000 });
    // Its environment by name, not by id, before any script has read the environments.
    const mineRow = page.getByRole("row").filter({ has: page.locator(`a[href^="/containers/${mine.id}/"]`) });
    await expect(mineRow).toContainText(`first-mine-${stamp}`);
    return seen;
  } finally {
    await context.close();
  }
}

async function signedInState(browser: Browser, user: { username: string; password: string }) {
  const context = await browser.newContext({ storageState: signedOut });
  const page = await context.newPage();
  await signIn(page, user.username, user.password);
  await expect(page).not.toHaveURL(/\/login/);
  const state = await context.storageState();
  await context.close();
  return state;
}

test("the first rows are in the page's HTML, for every environment an administrator may read", async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  const state = await admin.storageState();
  await admin.close();
  const seen = await servedRows(browser, state);
  expect(seen).toEqual({ mine: 1, other: 1 });
});

test("a user bound to one environment gets only its rows in the HTML, as the API answers them", async ({ browser }) => {
  const state = await signedInState(browser, reader);
  const seen = await servedRows(browser, state);
  expect(seen).toEqual({ mine: 1, other: 0 });

  // The same rows through the API.
  const api = await browser.newContext({ storageState: state });
  try {
    const answer = await query<{ items: { environmentId: string; name: string }[] }>(api.request, "containers.list");
    const theirs = answer.items.filter((item) => item.name === name).map((item) => item.environmentId);
    expect(theirs).toEqual([mine.id]);
  } finally {
    await api.close();
  }
});

test("with scripts on, the served rows become the live list: the whole count, then live changes", async ({ page }) => {
  await page.goto(`/containers?q=${name}`);
  const rows = page.getByRole("row").filter({ hasText: name });
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  // The whole list came (the first screen claims no count); it holds both rows.
  await expect(page.getByTestId("row-count")).toHaveText(/^2 (of \d+ )?containers/, { timeout: 30_000 });
  // And the feed is live: a stop on the engine shows without a reload.
  const stopped = await mutate<unknown>(page.request, "containers.stop", {
    environmentId: mine.id,
    id: container.id,
    timeoutSeconds: 0,
  });
  expect(stopped).toBeTruthy();
  await expect(rows.first()).toContainText("exited", { timeout: 30_000 });
  await expect(rows.last()).toContainText("exited", { timeout: 30_000 });
});
