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

  // The fixture ends at SIGTERM; the deadline is only an upper bound for a loaded machine.
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: `Restarted ${containerName}.` })).toBeVisible();
  await expect(page.getByTestId("cli")).toHaveText(/^docker (--context \S+ )?(container )?restart /);
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

test("select several containers and remove them in one go", async ({ page }) => {
  const prefix = `e2e-bulk-${stamp}`;
  const started = await Promise.all([1, 2, 3].map((n) => startFixtureContainer(`${prefix}-${n}`)));
  try {
    await page.goto(`/containers?q=${prefix}`);
    const rows = page.getByRole("row").filter({ hasText: prefix });
    await expect(rows).toHaveCount(3);
    await page.getByRole("checkbox", { name: `Select ${prefix}-1` }).check();
    const toolbar = page.getByRole("toolbar", { name: "Selected containers" });
    await expect(toolbar).toContainText("1 selected");
    await page.getByRole("checkbox", { name: "Select all shown" }).check();
    await expect(toolbar).toContainText("3 selected");
    // Start does not apply to running containers: it is offered for none of them.
    await expect(toolbar.getByRole("button", { name: /^Start/ })).toBeDisabled();

    await toolbar.getByRole("button", { name: "Remove…" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove 3 containers?" });
    await expect(dialog.getByRole("listitem")).toHaveCount(3);
    await dialog.getByRole("button", { name: "Remove 3 containers" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Removed 3 of 3 containers." })).toBeVisible({
      timeout: 30_000,
    });
    await expect(rows).toHaveCount(0);
    await expect(toolbar).toBeHidden();
  } finally {
    await Promise.all(started.map((c) => c.remove().catch(() => undefined)));
  }
});

test("columns can be chosen, and the choice survives a reload", async ({ page }) => {
  await page.goto(`/containers?q=${containerName}`);
  const table = page.getByRole("table", { name: "Containers" });
  await expect(table.getByRole("columnheader", { name: "Image" })).toBeVisible();
  // The CPU / memory column fills in from the usage feed for the running rows on screen.
  const row = page.getByRole("row").filter({ hasText: containerName });
  await expect(row.getByTestId("usage-cell")).toContainText("%", { timeout: 15_000 });
  await page.getByText("Columns", { exact: true }).click();
  await page.getByRole("checkbox", { name: "Image" }).uncheck();
  await page.getByRole("checkbox", { name: "IP" }).check();
  await expect(table.getByRole("columnheader", { name: "Image" })).toHaveCount(0);
  await expect(table.getByRole("columnheader", { name: "IP" })).toBeVisible();
  // The fixture container is on the default bridge, so it has an address.
  await expect(row).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await page.reload();
  await expect(table.getByRole("columnheader", { name: "IP" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Image" })).toHaveCount(0);
  await page.evaluate(() => window.localStorage.removeItem("stevedore.containers.columns"));
});
