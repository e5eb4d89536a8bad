// An environment's page: disk use by kind, a system prune after reading what goes (filtered by
// this run's label, so nothing else on the shared engine goes), and the live events feed by
// name; the read-only user sees both but no prune, and the API refuses it the prune.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET } from "./testbed";

const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const docker = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
const stamp = Date.now().toString(36);
const envName = `disk-${stamp}`;
const runLabel = `stevedore.e2e.disk=${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  for (const c of await docker.listContainers({ all: true, filters: { label: [runLabel] } })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
});

test.describe("as admin", () => {
  test.use({ storageState: authFile("admin") });

  test("disk use, a system prune after its preview, and events as they happen", async ({ page }) => {
    await page.goto("/environments");
    await page.getByRole("link", { name: `Disk use and events of ${envName}` }).click();
    await expect(page.getByRole("heading", { name: `Environment ${envName}` })).toBeVisible();
    await expect(page.getByTestId("disk-images")).toContainText("Images");
    await expect(page.getByText(`docker --context ${envName} system df`)).toBeVisible();

    // A stopped container of this run: the feed names it, the prune takes it.
    const name = `e2e-disk-${stamp}`;
    const container = await docker.createContainer({
      Image: FIXTURE_IMAGE,
      name,
      Cmd: ["true"],
      Labels: { "stevedore.e2e.disk": stamp },
      HostConfig: { NetworkMode: "none" },
    });
    const feed = page.getByTestId("events-feed");
    await expect(feed.getByRole("listitem").filter({ hasText: name }).filter({ hasText: "create" })).toBeVisible();
    await page.getByRole("combobox", { name: "Kind" }).selectOption("image");
    await expect(feed.getByRole("listitem").filter({ hasText: name })).toHaveCount(0);
    await page.getByRole("combobox", { name: "Kind" }).selectOption("");

    await page.getByRole("button", { name: "System prune…" }).click();
    const dialog = page.getByRole("dialog", { name: `System prune on ${envName}` });
    await dialog.getByLabel("Only with labels").fill(runLabel);
    const preview = dialog.getByTestId("system-prune-preview");
    await expect(preview).toContainText("Stopped containers (1)");
    await expect(preview).toContainText(name);
    await expect(preview).toContainText(`docker --context ${envName} system prune -f --filter label=${runLabel}`);
    await dialog.getByRole("button", { name: "Prune 1 item" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: `System prune on ${envName}: 1 container` })).toBeVisible();
    await expect(page.getByTestId("cli")).toHaveText(
      `docker --context ${envName} system prune -f --filter label=${runLabel}`,
    );
    await expect(container.inspect()).rejects.toThrow();
    await expect(feed.getByRole("listitem").filter({ hasText: name }).filter({ hasText: "destroy" })).toBeVisible();

    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      for (const scheme of ["light", "dark"] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: `test-results/environment-${width}-${scheme}.png`, fullPage: true });
      }
    }
  });
});

test.describe("as the read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("sees disk use and events, no prune; the API refuses the prune", async ({ page }) => {
    await page.goto(`/environments/${environment.id}`);
    await expect(page.getByTestId("disk-containers")).toBeVisible();
    await expect(page.getByRole("button", { name: "System prune…" })).toHaveCount(0);
    await expect(page.getByTestId("live-status")).toHaveText("Live");
    const answer = await page.request.post("/api/trpc/disk.prune", {
      data: { environmentId: environment.id },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(answer.status()).toBe(403);
    const preview = await page.request.get(
      `/api/trpc/disk.prunePreview?input=${encodeURIComponent(JSON.stringify({ environmentId: environment.id }))}`,
    );
    expect(preview.status()).toBe(403);
  });
});
