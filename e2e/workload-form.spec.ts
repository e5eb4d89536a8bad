import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, mutate, query, signedOut, signIn } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET, startFixtureContainer } from "./testbed";

// The workload form idiom (components/workload-form): the server's policy violations land on
// the field they name, and the form's own checks sit on their fields, in the create form and
// the Update dialog alike.
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const envName = `form-${stamp}`;
const operator = { username: `otto${stamp}`, displayName: "Otto Operator", password: "hawser-winch-dunnage-3310" };
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  const user = await mutate<{ id: string }>(admin.request, "users.create", operator);
  const roles = await query<{ id: string; name: string }[]>(admin.request, "roles.list");
  const role = roles.find((r) => r.name === "Operator");
  expect(role).toBeDefined();
  await mutate(admin.request, "bindings.create", { roleId: role!.id, userId: user.id, environmentId: environment.id });
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
});

test.describe("as an Operator (no host access)", () => {
  test.use({ storageState: signedOut });

  test("a memory file system too large for them is marked on its size field, and cleared when made smaller", async ({
    page,
  }) => {
    await signIn(page, operator.username, operator.password);
    await expect(page.getByTestId("signed-in-user")).toHaveText(operator.displayName);
    await page.goto("/containers/new");
    await page.getByLabel("Environment", { exact: true }).selectOption({ label: envName });
    await page.getByRole("combobox", { name: "Image", exact: true }).fill(FIXTURE_IMAGE);
    // The host access section is for those who may grant it.
    await expect(page.getByRole("button", { name: /Advanced \/ host access/ })).toHaveCount(0);

    await page.getByRole("button", { name: "Add tmpfs" }).click();
    await page.getByLabel("tmpfs path in container").fill("/cache");
    const size = page.getByLabel("tmpfs size in MB");
    await size.fill("8192");
    await expect(size).toHaveAttribute("aria-invalid", "true");
    await expect(size).toHaveAccessibleDescription(/^Needs container\.create\.privileged: /);
    await expect(page.getByTestId("violations")).toContainText("container.create.privileged");

    await size.fill("64");
    await expect(page.getByTestId("violations")).toHaveCount(0);
    await expect(size).not.toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("cli-preview")).toContainText(`--tmpfs /cache:size=${64 * 1024 * 1024}`);
  });
});

test("the Update dialog puts its problems on their fields and sends nothing until they are fixed", async ({ page }) => {
  const name = `e2e-form-update-${stamp}`;
  const container = await startFixtureContainer(name);
  try {
    await page.goto(`/containers?q=${name}`);
    const row = page.getByRole("row").filter({ hasText: name }).filter({ hasText: envName });
    // (Other specs add the same test bed engine as environments of their own: the object shows
    // once per environment, so the row is the one of this spec's environment.)
    await row.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Update…" }).click();
    const dialog = page.getByRole("dialog", { name: `Update ${name}` });
    const memory = dialog.getByLabel("Memory limit (MB)");
    await memory.fill("1");
    await dialog.getByRole("button", { name: "Update container" }).click();
    await expect(memory).toHaveAttribute("aria-invalid", "true");
    await expect(memory).toHaveAccessibleDescription(/Docker needs at least 6 MB\./);
    const engine = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
    expect((await engine.getContainer(container.id).inspect()).HostConfig.Memory).toBe(0);

    await memory.fill("32");
    await dialog.getByRole("button", { name: "Update container" }).click();
    await expect(dialog.getByTestId("update-cli")).toHaveText(
      `docker --context ${envName} container update --memory 32m --memory-swap 64m ${name}`,
    );
  } finally {
    await container.remove();
  }
});
