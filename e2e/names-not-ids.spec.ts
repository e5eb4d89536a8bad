// Things are named as people know them, never by internal ids: the docker command line after
// an action (with the environment it is for), the log download's file name, and the page a
// user without access sees (issue #18 item 3; the replay's names are in console-tabs.spec.ts).
import { expect, test } from "@playwright/test";
import { authFile, mutate, signIn, signedOut } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const containerName = `e2e-names-${stamp}`;
const environmentName = `names-${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(containerName);
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

test("an action's command line names the container and says which environment", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/${container.id}`);
  await expect(page.getByTestId("container-name")).toHaveText(containerName, { timeout: 20_000 });
  await page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Restart…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restart container" }).click();
  await expect(page.getByTestId("cli")).toHaveText(
    `docker --context ${environmentName} container restart ${containerName}`,
  );
  await expect(page.getByTestId("cli")).not.toContainText(container.id.slice(0, 12));
});

test("the log download is named after the container and its environment", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/${container.id}/logs`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${containerName}-${environmentName}-logs.txt`);
});

test("someone without access is told which environment, by name", async ({ browser, page }) => {
  const outsider = { username: `olga-${stamp}`, displayName: "Olga Outsider", password: "capstan-fairlead-5521" };
  await mutate(page.request, "users.create", outsider);
  const context = await browser.newContext({ storageState: signedOut });
  const fresh = await context.newPage();
  await signIn(fresh, outsider.username, outsider.password);
  await expect(fresh.getByTestId("signed-in-user")).toHaveText(outsider.displayName, { timeout: 20_000 });
  await fresh.goto(`/containers/${environment.id}/${container.id}`);
  await expect(fresh.getByRole("heading", { name: "You do not have permission (container.read)" })).toBeVisible({
    timeout: 20_000,
  });
  await expect(fresh.getByText(`You do not have the container.read permission on ${environmentName}.`)).toBeVisible();
  await expect(fresh.locator("main")).not.toContainText(environment.id);
  await context.close();
});
