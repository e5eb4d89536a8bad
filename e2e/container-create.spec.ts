import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET, startFixtureContainer } from "./testbed";

const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const envName = `create-${stamp}`;
const containerName = `e2e-create-${stamp}`;
const volumeName = `e2e-create-vol-${stamp}`;
const hostPort = String(30_000 + (stamp % 10_000));
const engine = () => new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  const docker = engine();
  await docker
    .getContainer(containerName)
    .remove({ force: true })
    .catch(() => undefined);
  await docker
    .getVolume(volumeName)
    .remove()
    .catch(() => undefined);
});

test("create a container from the fixture image with a port and a volume, see it in the list, remove it", async ({
  page,
}) => {
  await page.goto("/containers/new");
  await expect(page.getByRole("heading", { level: 1, name: "Create container" })).toBeVisible();
  await page.getByLabel("Environment", { exact: true }).selectOption({ label: envName });
  // The host's tags are offered for the image.
  await expect(page.locator(`#create-images-options option[value="${FIXTURE_IMAGE}"]`)).toHaveCount(1);
  await page.getByRole("combobox", { name: "Image", exact: true }).fill(FIXTURE_IMAGE);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(containerName);
  await page.getByRole("textbox", { name: "Command", exact: true }).fill("sleep 600");

  await page.getByRole("button", { name: "Add port" }).click();
  // The new row has the focus: type on from the keyboard.
  await expect(page.getByLabel("Host IP")).toBeFocused();
  await page.getByLabel("Host port", { exact: true }).fill(hostPort);
  await page.getByLabel("Container port").fill("8080");
  await page.getByRole("button", { name: "Add volume" }).click();
  await page.getByLabel("Volume name").fill(volumeName);
  await page.getByLabel("Path in container", { exact: true }).fill("/data");
  await page.getByLabel("Restart policy").selectOption("unless-stopped");

  await expect(page.getByTestId("cli-preview")).toHaveText(
    `docker --context ${envName} run -d --name ${containerName} --restart unless-stopped -p ${hostPort}:8080 -v ${volumeName}:/data ` +
      `${FIXTURE_IMAGE} sleep 600`,
  );
  // An administrator sees the host access section; nothing in it is used here.
  await expect(page.getByRole("button", { name: /Advanced \/ host access/ })).toBeVisible();

  await page.getByRole("button", { name: "Create and start" }).click();

  // Back on the list, filtered to the new container, which the live feed shows running.
  await expect(page).toHaveURL(new RegExp(`/containers\\?q=${containerName}$`));
  const row = page.getByRole("row").filter({ hasText: containerName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(envName);
  await expect(row).toContainText("running");
  await expect(row).toContainText(hostPort);
  const info = await engine().getContainer(containerName).inspect();
  expect(info.Mounts).toEqual([expect.objectContaining({ Type: "volume", Name: volumeName, Destination: "/data" })]);

  await row.getByRole("button", { name: `Actions for ${containerName}` }).click();
  await page.getByRole("menuitem", { name: "Remove…" }).click();
  const dialog = page.getByRole("dialog", { name: `Remove ${containerName}?` });
  await dialog.getByRole("button", { name: "Remove container" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(engine().getContainer(containerName).inspect()).rejects.toThrow(/no such container/i);
});

test("update a container's restart policy and memory from the row menu, then duplicate it", async ({ page }) => {
  const name = `e2e-update-${stamp}`;
  const container = await startFixtureContainer(name);
  try {
    await page.goto(`/containers?q=${name}`);
    // The same engine is an environment of other specs too: the row of this spec's environment.
    const row = page.getByRole("row").filter({ hasText: name }).filter({ hasText: envName });
    await row.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Update…" }).click();
    const dialog = page.getByRole("dialog", { name: `Update ${name}` });
    await dialog.getByLabel("Restart policy").selectOption("always");
    await dialog.getByLabel("Memory limit (MB)").fill("64");
    await dialog.getByRole("button", { name: "Update container" }).click();
    await expect(dialog.getByTestId("update-cli")).toHaveText(
      `docker --context ${envName} container update --restart always --memory 64m --memory-swap 128m ${name}`,
    );
    await dialog.getByRole("button", { name: "Done" }).click();
    const info = await engine().getContainer(container.id).inspect();
    expect(info.HostConfig.RestartPolicy?.Name).toBe("always");
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);

    await row.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Duplicate and edit" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Duplicate and edit" })).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue(`${name}-copy`);
    await expect(page.getByRole("textbox", { name: "Command", exact: true })).toHaveValue(
      `sh -c 'trap "exit 0" TERM; sleep 3600 & wait'`,
    );
    await expect(page.getByLabel("Memory limit (MB)")).toHaveValue("64");
    await expect(page.getByTestId("cli-preview")).toContainText(`--name ${name}-copy --restart always`);
  } finally {
    await container.remove();
  }
});
