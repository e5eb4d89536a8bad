// What the browser journeys share: the accounts the setup project creates, where their
// sign-ins are saved, and a way to prepare data through the API instead of the UI.
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";

export const port = Number(process.env.E2E_PORT ?? 3210);
export const baseURL = `http://127.0.0.1:${port}`;
/** The server's data folder: a fresh one each run, where it writes its one-time setup code. */
export const dataDir = `/tmp/stevedore-e2e-${port}`;

export const admin = { username: "admin", displayName: "Ada Admin", password: "quay-crane-lashing-2041" };
export const viewer = { username: "rita", displayName: "Rita Reader", password: "manifest-bollard-7781" };

export type SavedRole = "admin" | "viewer";
export const authFile = (role: SavedRole) => `e2e/.auth/${role}.json`;

/** For tests that start signed out. */
export const signedOut = { cookies: [], origins: [] };

/** A mutation as the page's browser makes it: the server refuses cookie-signed calls without Origin. */
export async function mutate<T = unknown>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${procedure}`, {
    data: input,
    headers: { origin: baseURL },
  });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  expect(response.ok(), `${procedure}: ${JSON.stringify(body.error)}`).toBe(true);
  return body.result!.data;
}

export async function query<T = unknown>(request: APIRequestContext, procedure: string): Promise<T> {
  const response = await request.get(`/api/trpc/${procedure}`);
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  expect(response.ok(), `${procedure}: ${JSON.stringify(body.error)}`).toBe(true);
  return body.result!.data;
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * A status change made between a page's first read of the environments and its live feed's start
 * shows once the feed starts. The gap is made real: the feed is held until the change is made,
 * and every read of the environments after the first is never answered, so only the feed's start
 * can bring the change in. `at` finds the new environment on the page (its row, its card).
 */
export async function expectStatusChangeInTheGapShown(
  page: Page,
  path: string,
  at: (name: string) => Locator,
): Promise<void> {
  const name = `gap-${Date.now()}`;
  const env = await mutate<{ id: string }>(page.request, "environments.create", {
    name,
    url: "unix:///tmp/none.sock",
    skipTest: true,
  });
  let releaseFeed!: () => void;
  const feedHeld = new Promise<void>((resolve) => (releaseFeed = resolve));
  let feedsAsked = 0;
  await page.route(/\/api\/trpc\/fleet\.changes/, async (route) => {
    feedsAsked++;
    await feedHeld;
    await route.continue();
  });
  let reads = 0;
  await page.route(/\/api\/trpc\/[^?]*environments\.list/, async (route) => {
    if (++reads === 1) await route.continue();
  });
  try {
    await page.goto(path);
    const shown = at(name);
    await expect(shown).toBeVisible();
    // The page has asked for its feed, which is not there yet: the change falls in between.
    await expect.poll(() => feedsAsked).toBeGreaterThan(0);
    await mutate(page.request, "environments.setPaused", { environmentId: env.id, paused: true });
    releaseFeed();
    await expect(shown.getByText("paused", { exact: true })).toBeVisible({ timeout: 30_000 });
  } finally {
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await mutate(page.request, "environments.remove", { environmentId: env.id });
  }
}
