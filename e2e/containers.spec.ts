import { expect, test } from "@playwright/test";
import { authFile, mutate } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const containerName = `e2e-list-${stamp}`;
const envName = `list-${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(containerName);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

test("find a container by name across environments and restart it, seeing the docker command", async ({ page }) => {
  await page.goto("/containers");
  await page.getByRole("searchbox", { name: "Search by name or image" }).fill(containerName);
  // The filter is in the URL, so the view can be linked to.
  await expect(page).toHaveURL(new RegExp(`[?&]q=${containerName}`));
  const row = page.getByRole("row").filter({ hasText: containerName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(envName);
  await expect(row).toContainText("running");
  await expect(row).toContainText("stevedore-fixture/busybox");

  await row.getByRole("button", { name: `Actions for ${containerName}` }).click();
  await page.getByRole("menuitem", { name: "Restart…" }).click();
  const dialog = page.getByRole("dialog", { name: `Restart ${containerName}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Restart container" }).click();

  // sleep ignores SIGTERM as PID 1, so the engine waits out the 10 s stop timeout first.
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: `Restarted ${containerName}.` })).toBeVisible();
  await expect(page.getByTestId("cli")).toHaveText(/^docker (container )?restart /);
  // The live feed brings the restarted container back (a fresh "Up" status).
  await expect(row).toContainText(/Up (Less than a second|\d+ seconds?)/);
});

test("a host that cannot be reached shows a banner and leaves the other rows in place", async ({ page }) => {
  const down = await mutate<{ id: string }>(page.request, "environments.create", {
    name: `down-${stamp}`,
    url: "unix:///tmp/stevedore-e2e-none.sock",
    skipTest: true,
  });
  try {
    await page.goto(`/containers?q=${containerName}`);
    await expect(page.getByRole("status").filter({ hasText: `down-${stamp} unreachable` })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByRole("row").filter({ hasText: containerName })).toHaveCount(1);
  } finally {
    await mutate(page.request, "environments.remove", { environmentId: down.id });
  }
});
