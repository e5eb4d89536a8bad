// A container's details pages in a real browser, on a real engine: the overview from a
// deep link, tabs by keyboard, live stats that move, processes, changes, the raw inspect,
// and the file browser (browse, download, upload).
import { readFile, writeFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import Docker from "dockerode";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET } from "./testbed";

const stamp = Date.now();
const containerName = `e2e-details-${stamp}`;
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const SHOTS = process.env.E2E_SCREENSHOTS;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Docker.Container;

test.beforeAll(async ({ browser }) => {
  const engine = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
  container = await engine.createContainer({
    name: containerName,
    Image: FIXTURE_IMAGE,
    // A little CPU (a loop that sleeps), a file to find, a change against the image.
    Cmd: [
      "sh",
      "-c",
      "mkdir -p /srv/data && printf 'hello from e2e\\n' > /srv/data/greeting.txt && while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.2; done",
    ],
    Env: ["DB_PASSWORD=e2e-secret-value", "MODE=prod"],
    Labels: { "stevedore.test": "e2e", "com.example.team": "stevedore" },
  });
  await container.start();
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `details-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove({ force: true });
});

const detailsUrl = (tab = "") => `/containers/${environment.id}/${container.id}${tab ? `/${tab}` : ""}`;

async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${SHOTS}/${name}-${scheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("the overview opens from its URL and shows what inspect says", async ({ page }) => {
  await page.goto(detailsUrl());
  await expect(page.getByRole("heading", { level: 1, name: containerName })).toBeVisible();
  await expect(page.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  const main = page.locator("main");
  await expect(main).toContainText("running");
  await expect(main).toContainText(`details-${stamp}`);
  const env = page.getByRole("table", { name: "Environment variables" });
  await expect(env.getByRole("row").filter({ hasText: "MODE" })).toContainText("prod");
  // The administrator holds container.inspect.secrets: nothing masked.
  await expect(env.getByRole("row").filter({ hasText: "DB_PASSWORD" })).toContainText("e2e-secret-value");
  await expect(page.getByRole("table", { name: "Labels" })).toContainText("com.example.team");
  await expect(page.getByRole("table", { name: "Networks" })).toContainText("bridge");
  await expect(main).toContainText("Restart count");
  await shoot(page, "overview");
});

test("tabs move by keyboard, and the stats chart keeps updating", async ({ page }) => {
  await page.goto(detailsUrl());
  const tabs = page.getByRole("navigation", { name: "Container details" });
  await tabs.getByRole("link", { name: "Overview" }).focus();
  await page.keyboard.press("ArrowRight"); // Logs
  await page.keyboard.press("ArrowRight"); // Stats
  await expect(tabs.getByRole("link", { name: "Stats" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${detailsUrl("stats")}$`));
  await expect(tabs.getByRole("link", { name: "Stats" })).toHaveAttribute("aria-current", "page");

  const cpuChart = page.getByRole("img", { name: /^CPU:/ });
  await expect(cpuChart).toBeVisible({ timeout: 15_000 });
  await expect(cpuChart).toHaveAttribute("data-points", /^[3-9]|\d\d/, { timeout: 15_000 });
  const before = Number(await cpuChart.getAttribute("data-points"));
  await expect
    .poll(async () => Number(await cpuChart.getAttribute("data-points")), { timeout: 15_000 })
    .toBeGreaterThan(before);
  await expect(page.getByTestId("stats-status")).toContainText("Live");
  await expect(cpuChart).toHaveAttribute("aria-label", /CPU \d/);
  await shoot(page, "stats");

  // End, then Enter: the last tab.
  await tabs.getByRole("link", { name: "Stats" }).focus();
  await page.keyboard.press("Home");
  await expect(tabs.getByRole("link", { name: "Overview" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(tabs.getByRole("link", { name: "Console" })).toBeFocused();
});

test("processes, filesystem changes and the raw inspect", async ({ page }) => {
  await page.goto(detailsUrl("processes"));
  await expect(page.getByRole("table", { name: "Processes" })).toContainText("while :");
  await shoot(page, "processes");

  await page.getByRole("link", { name: "Changes" }).click();
  const changes = page.getByRole("table", { name: "Filesystem changes" });
  await expect(changes).toContainText("/srv/data/greeting.txt");
  await page.getByRole("searchbox", { name: "Filter paths" }).fill("greeting");
  await expect(changes.getByRole("row")).toHaveCount(2); // the header and the one match
  await shoot(page, "changes");

  await page.getByRole("link", { name: "Inspect" }).click();
  await expect(page.getByTestId("inspect-json")).toContainText(`"Id": "${container.id}"`);
  await expect(page.getByRole("button", { name: "Copy JSON" })).toBeVisible();
  await shoot(page, "inspect");
  if (SHOTS) {
    await page.getByRole("link", { name: "Console" }).click();
    await page.getByRole("button", { name: "Connect" }).click();
    await expect(page.getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
    await shoot(page, "console");
  }
});

test("browse files, download one, and upload one", async ({ page }, testInfo) => {
  await page.goto(detailsUrl("files"));
  const listing = page.getByRole("table", { name: "Files in /" });
  await expect(listing.getByRole("link", { name: "srv", exact: true })).toBeVisible();
  await listing.getByRole("link", { name: "srv", exact: true }).click();
  await page.getByRole("table", { name: "Files in /srv" }).getByRole("link", { name: "data", exact: true }).click();
  await expect(page).toHaveURL(/path=%2Fsrv%2Fdata/);
  const data = page.getByRole("table", { name: "Files in /srv/data" });
  await expect(data).toContainText("greeting.txt");
  await expect(page.getByRole("navigation", { name: "Folder path" })).toContainText("srv/data");
  await shoot(page, "files");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    data.getByRole("link", { name: "Download greeting.txt" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("greeting.txt");
  expect(await readFile(await download.path(), "utf8")).toBe("hello from e2e\n");

  const upload = testInfo.outputPath("notes.txt");
  await writeFile(upload, "uploaded through the browser\n");
  await page.getByLabel(/Upload a file into/).setInputFiles(upload);
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByText("Uploaded /srv/data/notes.txt.")).toBeVisible();
  await expect(data).toContainText("notes.txt");

  // A path that is a file (as a link to a file leads to): offered as a download, not an error.
  await page.goto(`${detailsUrl("files")}?path=${encodeURIComponent("/srv/data/greeting.txt")}`);
  const note = page.getByRole("status").filter({ hasText: "/srv/data/greeting.txt is a file, not a folder" });
  await expect(note).toBeVisible();
  const [again] = await Promise.all([
    page.waitForEvent("download"),
    note.getByRole("link", { name: "Download it" }).click(),
  ]);
  expect(await readFile(await again.path(), "utf8")).toBe("hello from e2e\n");
  await note.getByRole("link", { name: "folder it is in" }).click();
  await expect(page.getByRole("table", { name: "Files in /srv/data" })).toBeVisible();
});

test("a container that does not exist shows a clear error", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/0123456789abcdef0123`);
  await expect(page.getByRole("heading", { name: "No such container" })).toBeVisible({ timeout: 15_000 });
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("secret-looking values are masked in the overview and the raw inspect, and no actions are offered", async ({
    page,
  }) => {
    await page.goto(detailsUrl());
    const env = page.getByRole("table", { name: "Environment variables" });
    await expect(env.getByRole("row").filter({ hasText: "DB_PASSWORD" })).toContainText("masked");
    await expect(page.locator("main")).not.toContainText("e2e-secret-value");
    await expect(page.getByRole("group", { name: "Container actions" })).toHaveCount(0);
    await page.getByRole("link", { name: "Inspect" }).click();
    await expect(page.getByTestId("inspect-json")).toContainText("DB_PASSWORD=••••••");
    await expect(page.getByTestId("inspect-json")).not.toContainText("e2e-secret-value");
    // Read-only sees state, not content that may carry secrets: neither files nor logs, alike.
    await page.getByRole("link", { name: "Files" }).click();
    await expect(
      page.getByRole("heading", { name: "You do not have permission (container.files.read)" }),
    ).toBeVisible();
    await expect(page.getByRole("table", { name: "Files in /" })).toHaveCount(0);
    await page.getByRole("link", { name: "Logs" }).click();
    await expect(page.getByRole("heading", { name: "You do not have permission (container.logs)" })).toBeVisible();
  });
});

test("a container without filesystem changes, then removed elsewhere: the page says so", async ({ page }) => {
  const engine = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
  const quiet = await engine.createContainer({
    name: `e2e-details-quiet-${stamp}`,
    Image: FIXTURE_IMAGE,
    Cmd: ["sleep", "3600"],
    Labels: { "stevedore.test": "e2e" },
  });
  try {
    await quiet.start();
    await page.goto(`/containers/${environment.id}/${quiet.id}/changes`);
    // The header and tabs stay; the tab says there is nothing to show.
    await expect(page.getByRole("heading", { level: 1, name: `e2e-details-quiet-${stamp}` })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No changes" })).toBeVisible();
    await expect(page.getByRole("group", { name: "Container actions" })).toBeVisible();

    // Removed with the docker CLI's API, not through Stevedore: the live feed tells the page.
    await quiet.remove({ force: true });
    await expect(page.getByRole("heading", { name: "This container was removed" })).toBeVisible();
    await expect(page.getByRole("group", { name: "Container actions" })).toHaveCount(0);
    await expect(page.getByText("removed", { exact: true })).toBeVisible();
  } finally {
    await quiet.remove({ force: true }).catch(() => undefined);
  }
});
