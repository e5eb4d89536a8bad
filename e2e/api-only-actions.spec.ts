// What only the API could do before, now on the pages: pause, resume and check an environment
// now, an environment row leading to its containers, renaming a container (issue #18 item 10).
import { expect, test } from "@playwright/test";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const environmentName = `api-only-${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(`e2e-rename-me-${stamp}`);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, environmentName);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

test("an environment is paused, resumed and checked now from its row, and leads to its containers", async ({
  page,
}) => {
  await page.goto("/environments");
  const row = page.getByRole("row").filter({ hasText: environmentName });
  await expect(row.getByText("up", { exact: true })).toBeVisible({ timeout: 20_000 });

  await row.getByRole("button", { name: `Pause ${environmentName}` }).click();
  await expect(row.getByText("paused", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row.getByRole("button", { name: `Check ${environmentName} now` })).toHaveCount(0);

  await row.getByRole("button", { name: `Resume ${environmentName}` }).click();
  await expect(row.getByText("up", { exact: true })).toBeVisible({ timeout: 20_000 });
  await row.getByRole("button", { name: `Check ${environmentName} now` }).click();
  await expect(row.getByText("up", { exact: true })).toBeVisible();
  await expect(page.getByText("The action failed")).toHaveCount(0);

  await row.getByRole("link", { name: environmentName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/containers\\?env=${environment.id}$`));
  await expect(page.getByRole("row").filter({ hasText: `e2e-rename-me-${stamp}` })).toHaveCount(1, { timeout: 20_000 });
});

test("a container is renamed from its page; a bad name is refused as it is typed", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/${container.id}`);
  await expect(page.getByTestId("container-name")).toHaveText(`e2e-rename-me-${stamp}`, { timeout: 20_000 });
  await page.getByRole("button", { name: "Rename…" }).click();
  const dialog = page.getByRole("dialog", { name: `Rename e2e-rename-me-${stamp}` });
  const field = dialog.getByLabel("New name");
  await field.fill("-bad name");
  await expect(dialog.getByText("Use letters, digits, _ . and -, starting with a letter or digit.")).toBeVisible();
  await field.fill(`e2e-renamed-${stamp}`);
  await dialog.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("container-name")).toHaveText(`e2e-renamed-${stamp}`, { timeout: 20_000 });
  await expect(page.getByTestId("cli")).toHaveText(
    `docker --context ${environmentName} container rename e2e-rename-me-${stamp} e2e-renamed-${stamp}`,
  );
});
