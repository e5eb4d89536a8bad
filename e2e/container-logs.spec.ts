// A container's logs in the browser: a flood of 120,000 lines is followed to its last line while
// the page keeps answering, search marks a match, and the download holds every line.
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import Docker from "dockerode";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET } from "./testbed";

// More than the page keeps (DEFAULT_CAPACITY, 100,000 lines), so it drops the oldest while it
// follows. The engine writes such a flood in a few seconds even on a loaded host; the time goes
// in the server's stream and the page taking in every line, so no more lines than that.
const LINES = 120_000;
const stamp = Date.now();
const engine = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Docker.Container;

test.beforeAll(async ({ browser }) => {
  // Waits for /tmp/go, then prints the flood as fast as busybox can, then sleeps.
  container = await engine.createContainer({
    name: `e2e-logs-${stamp}`,
    Image: process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest",
    Cmd: [
      "sh",
      "-c",
      `while [ ! -f /tmp/go ]; do sleep 0.1; done; ` +
        `busybox seq -w 1 ${LINES} | busybox sed 's/^/flood line /'; echo 'the end of the flood'; sleep 3600`,
    ],
    Labels: { "stevedore.test": "e2e" },
  });
  await container.start();
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `logs-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove({ force: true });
});

async function startFlood(): Promise<void> {
  const exec = await container.exec({ Cmd: ["touch", "/tmp/go"] });
  await exec.start({ Detach: true });
}

/** Longest gap between animation frames (and the count of frames) since the probe started. */
async function startFrameProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { maxGap: 0, frames: 0, last: performance.now(), running: true };
    (window as unknown as { probe: typeof probe }).probe = probe;
    const tick = (now: number) => {
      probe.maxGap = Math.max(probe.maxGap, now - probe.last);
      probe.last = now;
      probe.frames++;
      if (probe.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

test("a flood of 120,000 lines is followed to the end while the page stays responsive; search and download", async ({
  page,
}) => {
  // Every line through the server and the page: on a loaded 2-core machine that alone can take
  // a minute or two. Three times the usual budget, as an upper bound only.
  test.slow();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/containers/${environment.id}/${container.id}/logs`);
  await expect(page.getByTestId("logs-empty")).toContainText("No output yet");
  await expect(page.getByTestId("logs-status")).toContainText("Following live output");

  await startFrameProbe(page);
  await startFlood();
  const log = page.getByTestId("logs-scroller");
  // Mid-flood, the page answers a keypress in the search box promptly.
  await expect(page.getByTestId("logs-count")).not.toHaveText("0 lines", { timeout: 30_000 });
  const keypressMs = await page.evaluate(async () => {
    const box = document.getElementById("logs-search") as HTMLInputElement;
    box.focus();
    const started = performance.now();
    return new Promise<number>((resolve) => {
      box.addEventListener("input", () => requestAnimationFrame(() => resolve(performance.now() - started)), {
        once: true,
      });
      box.value = "x";
      box.dispatchEvent(new InputEvent("input", { bubbles: true, data: "x" }));
    });
  });
  await page.getByLabel("Search the logs").fill("");

  const flooded = performance.now();
  await expect(log.getByText("the end of the flood")).toBeVisible({ timeout: 240_000 });
  const followedMs = performance.now() - flooded;
  const probe = await page.evaluate(() => {
    const p = (window as unknown as { probe: { maxGap: number; frames: number; running: boolean } }).probe;
    p.running = false;
    return p;
  });
  console.log(
    `flood: keypress answered in ${keypressMs.toFixed(0)} ms; longest frame gap ${probe.maxGap.toFixed(0)} ms over ${probe.frames} frames; the end shown ${(followedMs / 1000).toFixed(1)} s after the keypress`,
  );
  // Generous bounds for a shared 2-core machine: a frozen tab stalls for seconds.
  expect(keypressMs).toBeLessThan(1000);
  expect(probe.maxGap).toBeLessThan(2000);
  expect(probe.frames).toBeGreaterThan(10);
  await expect(page.getByTestId("logs-count")).toHaveText(`${(LINES + 1).toLocaleString("en")} lines`);
  await expect(page.getByTestId("logs-dropped")).toContainText("older lines dropped");

  // Search: a line still in the page's buffer is found and marked.
  const nearTheEnd = `flood line ${LINES - 1}`;
  await page.getByLabel("Search the logs").fill(nearTheEnd);
  await page.getByLabel("Search the logs").press("Enter");
  await expect(page.getByTestId("logs-hits")).toHaveText("1 of 1");
  await expect(log.locator("mark", { hasText: nearTheEnd })).toBeVisible();
  await expect(page.getByRole("button", { name: "Jump to latest" })).toBeVisible();

  // Download: every line, the dropped ones included.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  const text = await readFile(await download.path(), "utf8");
  const lines = text.split("\n").slice(0, -1);
  expect(lines).toHaveLength(LINES + 1);
  expect(lines[0]).toBe(`flood line ${"1".padStart(String(LINES).length, "0")}`);
  expect(lines[LINES - 1]).toBe(`flood line ${LINES}`);
  expect(lines[LINES]).toBe("the end of the flood");
});

test("ANSI colours are drawn, stderr is marked and can be shown alone, in light and dark", async ({ page }) => {
  const colourful = await engine.createContainer({
    name: `e2e-logs-colour-${stamp}`,
    Image: process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest",
    Cmd: [
      "sh",
      "-c",
      `printf 'starting \\033[32mgreen ok\\033[0m and \\033[1;31mbold red\\033[0m\\n'; ` +
        `echo 'warning: disk almost full' >&2; echo 'plain line'; echo 'error: could not connect' >&2; sleep 3600`,
    ],
    Labels: { "stevedore.test": "e2e" },
  });
  await colourful.start();
  try {
    await page.setViewportSize({ width: 1280, height: 600 });
    await page.goto(`/containers/${environment.id}/${colourful.id}/logs`);
    const log = page.getByTestId("logs-scroller");
    await expect(log.getByText("plain line")).toBeVisible();
    const green = log.getByText("green ok");
    await expect(green).toHaveCSS("color", /^rgb\(\d+, \d+, \d+\)$/);
    expect(await green.evaluate((el) => getComputedStyle(el).color)).not.toBe(
      await log.getByText("plain line").evaluate((el) => getComputedStyle(el).color),
    );
    await expect(log.locator('[data-stream="stderr"]')).toHaveCount(2);

    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByLabel("Search the logs").fill("error");
      await expect(log.locator("mark")).toHaveText("error");
      await page.screenshot({ path: `test-results/container-logs-${scheme}.png` });
      await page.getByLabel("Search the logs").fill("");
    }

    await page.getByRole("button", { name: "stderr" }).click();
    await expect(log.getByText("plain line")).toHaveCount(0);
    await expect(log.locator('[data-stream="stderr"]')).toHaveCount(2);
    await page.getByRole("button", { name: "All" }).click();
    await expect(log.getByText("plain line")).toBeVisible();
  } finally {
    await colourful.remove({ force: true });
  }
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("the page says the logs need container.logs, and the download is refused", async ({ page }) => {
    await page.goto(`/containers/${environment.id}/${container.id}/logs`);
    await expect(page.getByRole("heading", { name: "You do not have permission (container.logs)" })).toBeVisible();
    const refused = await page.request.get(`/api/containers/logs/${environment.id}/${container.id}`);
    expect(refused.status()).toBe(403);
  });
});
