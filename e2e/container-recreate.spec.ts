// Recreate and replace (issue #18 item 7): from a container's page, the same container made
// again under its name, its named volume kept, the image pulled first when asked (the test bed
// is offline, so the pull fails and the page says it went on with the host's image); then an
// edited copy in its place, a failing copy first (the old one comes back). The page moves to the
// new container and says what was done with the docker lines. The list's row menu offers both
// too (Recreate… in place, the list saying what was done). A read-only user gets neither.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, mutate } from "./fixtures";
import { addStandaloneEnvironment, FIXTURE_COMMAND, STANDALONE_SOCKET } from "./testbed";

const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const envName = `recreate-${stamp}`;
const name = `e2e-recreate-${stamp}`;
const volume = `e2e-recreate-data-${stamp}`;
const engine = () => new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let firstId = "";

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  const created = await mutate<{ id: string }>(admin.request, "containers.create", {
    environmentId: environment.id,
    spec: {
      image: FIXTURE_IMAGE,
      name,
      command: FIXTURE_COMMAND,
      env: [{ name: "GREETING", value: "ahoy" }],
      volumes: [{ source: volume, target: "/data" }],
      labels: { "stevedore.test": "e2e" },
    },
  });
  firstId = created.id;
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  const all = await engine().listContainers({ all: true, filters: { name: [name] } });
  for (const c of all) await engine().getContainer(c.Id).remove({ force: true });
  await engine()
    .getVolume(volume)
    .remove()
    .catch(() => undefined);
});

test("an administrator recreates a container: same name, same volume, a new container, the old one gone", async ({
  page,
}) => {
  await page.goto(`/containers/${environment.id}/${firstId}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Recreate…" }).click();
  const dialog = page.getByRole("dialog", { name: `Recreate ${name}?` });
  await expect(dialog).toContainText(envName);
  const pull = dialog.getByLabel("Pull the image again first");
  await expect(pull).toBeChecked();
  await dialog.getByRole("button", { name: "Recreate container" }).click();

  // The page follows the new container and says what happened, the failed pull included.
  await expect(page).not.toHaveURL(new RegExp(firstId));
  await expect(page).toHaveURL(/\/containers\/[^/]+\/[0-9a-f]{64}$/);
  const said = page.getByRole("status").filter({ hasText: `Recreated ${name}.` });
  await expect(said).toContainText(`Pulling ${FIXTURE_IMAGE} failed`);
  await expect(said.getByTestId("cli")).toContainText(`rename ${name}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  const newId = page.url().split("/").pop() ?? "";
  expect(newId).not.toBe(firstId);
  const fresh = await engine().getContainer(newId).inspect();
  expect(fresh.Name).toBe(`/${name}`);
  expect(fresh.State.Running).toBe(true);
  expect(fresh.Config.Env).toContain("GREETING=ahoy");
  expect(fresh.Mounts.find((m) => m.Destination === "/data")?.Name).toBe(volume);
  await expect(engine().getContainer(firstId).inspect()).rejects.toThrow(/no such container/i);
  // One container holds the name: the one set aside was removed.
  expect(await engine().listContainers({ all: true, filters: { name: [name] } })).toHaveLength(1);
});

test("an administrator replaces it with an edited copy; a copy that cannot start brings the old one back", async ({
  page,
}) => {
  const [current] = await engine().listContainers({ all: true, filters: { name: [name] } });
  const oldId = current?.Id ?? firstId;
  await page.goto(`/containers/${environment.id}/${oldId}`);
  await page.getByRole("link", { name: "Edit and replace…" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Replace with an edited copy" })).toBeVisible();
  const nameField = page.getByRole("textbox", { name: "Name", exact: true });
  await expect(nameField).toHaveValue(name);
  await expect(nameField).not.toBeEditable();
  const command = page.getByRole("textbox", { name: "Command", exact: true });
  await expect(command).toHaveValue(`sh -c 'trap "exit 0" TERM; sleep 3600 & wait'`);

  // A copy whose command does not exist: made, fails to start, removed; the old one is back.
  await command.fill("no-such-command-here");
  await page.getByRole("button", { name: `Replace ${name}` }).click();
  await expect(page.getByRole("alert").filter({ hasText: "It was not replaced" })).toBeVisible({ timeout: 30_000 });
  const back = await engine().getContainer(oldId).inspect();
  expect(back.Name).toBe(`/${name}`);
  expect(back.State.Running).toBe(true);

  // The edit that works: the new container under the name, the old one gone, the rest kept.
  // Still a sleep that ends at SIGTERM: the next test recreates it without the 10 s grace.
  await command.fill(`sh -c 'trap "exit 0" TERM; sleep 1200 & wait'`);
  await page.getByRole("button", { name: `Replace ${name}` }).click();
  await expect(page).toHaveURL(/\/containers\/[^/]+\/[0-9a-f]{64}$/);
  await expect(page.getByRole("status").filter({ hasText: `Replaced ${name} with the edited copy.` })).toBeVisible();
  const newId = page.url().split("/").pop() ?? "";
  expect(newId).not.toBe(oldId);
  const fresh = await engine().getContainer(newId).inspect();
  expect(fresh.Name).toBe(`/${name}`);
  expect(fresh.Config.Cmd).toEqual(["sh", "-c", 'trap "exit 0" TERM; sleep 1200 & wait']);
  expect(fresh.Config.Env).toContain("GREETING=ahoy");
  expect(fresh.Mounts.find((m) => m.Destination === "/data")?.Name).toBe(volume);
  await expect(engine().getContainer(oldId).inspect()).rejects.toThrow(/no such container/i);
  expect(await engine().listContainers({ all: true, filters: { name: [name] } })).toHaveLength(1);
});

test("the list's row menu offers both: Recreate… in place, Edit and replace… to the same form", async ({ page }) => {
  const [current] = await engine().listContainers({ all: true, filters: { name: [name] } });
  const oldId = current?.Id ?? firstId;
  await page.goto(`/containers?q=${name}`);
  // The same engine is an environment of other specs too: the row of this spec's environment.
  const row = page.getByRole("row").filter({ hasText: name }).filter({ hasText: envName });
  await row.getByRole("button", { name: `Actions for ${name}` }).click();
  await expect(page.getByRole("menuitem", { name: "Edit and replace…" })).toHaveAttribute(
    "href",
    `/containers/new?replace=${encodeURIComponent(environment.id)}/${oldId}`,
  );
  await page.getByRole("menuitem", { name: "Recreate…" }).click();
  const dialog = page.getByRole("dialog", { name: `Recreate ${name}?` });
  await expect(dialog).toContainText(envName);
  await dialog.getByLabel("Pull the image again first").uncheck();
  await dialog.getByRole("button", { name: "Recreate container" }).click();
  // The list stays, says what was done, and the row is the new container's.
  const said = page.getByRole("status").filter({ hasText: `Recreated ${name}.` });
  await expect(said.getByTestId("cli")).toContainText(`rename ${name}`);
  await expect(dialog).toHaveCount(0);
  const [fresh] = await engine().listContainers({ all: true, filters: { name: [name] } });
  expect(fresh?.Id).not.toBe(oldId);
  expect(fresh?.State).toBe("running");
  await expect(engine().getContainer(oldId).inspect()).rejects.toThrow(/no such container/i);
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("Recreate and replace are not offered, and the replace form refuses", async ({ page }) => {
    const [current] = await engine().listContainers({ all: true, filters: { name: [name] } });
    await page.goto(`/containers/${environment.id}/${current?.Id ?? firstId}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("button", { name: "Recreate…" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Edit and replace…" })).toHaveCount(0);
    // Nor in the list: the row has no menu at all for them.
    await page.goto(`/containers?q=${name}`);
    const row = page.getByRole("row").filter({ hasText: name }).filter({ hasText: envName });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("button", { name: `Actions for ${name}` })).toHaveCount(0);
    await page.goto(`/containers/new?replace=${environment.id}/${current?.Id ?? firstId}`);
    await expect(page.getByText("You do not have permission (container.create)")).toBeVisible();
  });
});
