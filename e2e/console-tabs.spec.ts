// Several consoles in tabs on one page, and the recording of a session replayed in the browser.
import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const containerName = `e2e-console-tabs-${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;
/** The replay test's own container, so its audit event is the only console event on it. */
let replayed: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(containerName);
  replayed = await startFixtureContainer(`${containerName}-replay`);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `console-tabs-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
  await replayed?.remove();
});

/** A terminal row (xterm's DOM renderer: one div per row) whose whole text is `text`. */
const terminalLine = (scope: Locator, text: string) =>
  scope.locator(".xterm-rows > div").filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });

/** The tab panel on show (hidden ones are not in the accessibility tree). */
const shownPanel = (page: Page) => page.getByRole("tabpanel");

async function run(page: Page, command: string) {
  await shownPanel(page).locator(".xterm").click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

test("two consoles in tabs: both work, and switching keeps the first one alive", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/${container.id}/console`);
  await page.getByRole("button", { name: "Connect" }).click();
  const tabs = page.getByRole("tablist", { name: "Consoles" });
  const first = tabs.getByRole("tab", { name: /^shell 1/ });
  await expect(first).toHaveAttribute("aria-selected", "true");
  await expect(shownPanel(page).getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
  await run(page, "FIRST=one-$((1+1)); echo first-$((2*2))");
  await expect(terminalLine(shownPanel(page), "first-4")).toHaveCount(1);

  // A second console, by keyboard: "+" then the form, a command and a working directory.
  await page.getByRole("button", { name: "New console" }).focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "New console" });
  await form.getByRole("textbox", { name: "Command" }).fill("sh");
  await form.getByLabel("Working directory").fill("/tmp");
  await form.getByLabel("Working directory").press("Enter");
  const second = tabs.getByRole("tab", { name: /^sh 2/ });
  await expect(second).toHaveAttribute("aria-selected", "true");
  await expect(shownPanel(page).getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
  await run(page, "echo second-in-$(pwd)");
  await expect(terminalLine(shownPanel(page), "second-in-/tmp")).toHaveCount(1);

  // Back to the first by keyboard (arrow keys move along the tabs): same shell, same variable.
  await second.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(first).toHaveAttribute("aria-selected", "true");
  await expect(first).toBeFocused();
  await expect(terminalLine(shownPanel(page), "first-4")).toHaveCount(1);
  await run(page, "echo still-$FIRST");
  await expect(terminalLine(shownPanel(page), "still-one-2")).toHaveCount(1);
  await expect(first).toHaveAttribute("data-state", "connected");
  await expect(second).toHaveAttribute("data-state", "connected");

  // Both themes, for a look (kept with the test's output).
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: test.info().outputPath(`console-tabs-${colorScheme}.png`) });
  }

  // A session that ends says so, on its tab and in its status line.
  await first.focus();
  await page.keyboard.press("ArrowRight");
  await expect(second).toHaveAttribute("aria-selected", "true");
  await run(page, "exit");
  await expect(second).toHaveAttribute("data-state", "ended");
  await expect(second).toHaveAccessibleName(/ended: The command exited with code 0/);
  await expect(shownPanel(page).getByTestId("console-status")).toContainText("Ended. The command exited with code 0.");

  // Closing a tab ends its session; the other goes on.
  await page.getByRole("button", { name: "Close sh 2" }).click();
  await expect(tabs.getByRole("tab")).toHaveCount(1);
  await expect(first).toHaveAttribute("aria-selected", "true");
  await run(page, "echo alone-$((3+4))");
  await expect(terminalLine(shownPanel(page), "alone-7")).toHaveCount(1);
});

test("a console session is replayed from its audit event", async ({ page }) => {
  await page.goto(`/containers/${environment.id}/${replayed.id}/console`);
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(shownPanel(page).getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
  await run(page, "echo replay-$((6*7))");
  await expect(terminalLine(shownPanel(page), "replay-42")).toHaveCount(1);
  await page.getByRole("button", { name: "Close shell 1" }).click();
  await expect(page.getByText("No console open")).toBeVisible();

  // The session's event, once the session has ended and its record is complete.
  await expect(async () => {
    await page.goto(`/audit?action=console.exec&target=${replayed.id}&outcome=ok`);
    // Each try loads the page afresh (the event appears once the session's record is
    // complete): give a load on a busy machine its time, and the whole wait more.
    await expect(page.getByRole("table", { name: "Audit events" }).getByRole("row")).toHaveCount(2, {
      timeout: 5000,
    });
  }).toPass({ timeout: 60_000 });
  await page.getByRole("button", { name: /Details of console\.exec/ }).click();
  const details = page.getByRole("dialog", { name: "console.exec" });
  // The recording is named as people know the session: the container's and environment's names.
  const [cast] = await Promise.all([
    page.waitForEvent("download"),
    details.getByRole("button", { name: "Download recording (.cast)" }).click(),
  ]);
  expect(cast.suggestedFilename()).toMatch(
    new RegExp(`^console-${containerName}-replay-console-tabs-${stamp}-.+\\.cast$`),
  );
  const header = JSON.parse((await readFile(await cast.path(), "utf8")).split("\n")[0]!) as { title?: string };
  expect(header.title).toBe(`${containerName}-replay on console-tabs-${stamp}`);
  await details.getByRole("link", { name: "Replay" }).click();

  await expect(page).toHaveURL(/\/audit\/replay\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "Session replay" })).toBeVisible();
  await expect(page.getByText(`on container ${containerName}-replay in console-tabs-${stamp}`)).toBeVisible();
  const screen = page.getByTestId("replay-terminal");
  await expect(page.getByTestId("replay-clock")).toHaveText(/^0:00 \/ \d+:\d\d$/);
  await page.getByRole("group", { name: "Speed" }).getByRole("button", { name: "8×" }).click();
  await page.getByRole("button", { name: "Play" }).click();
  await expect(terminalLine(screen, "replay-42")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible(); // it stopped at the end

  // Seeking to the start shows the screen before anything was typed; to the end, all of it.
  const seek = page.getByRole("slider", { name: "Seek" });
  await seek.focus();
  await page.keyboard.press("Home");
  await expect(terminalLine(screen, "replay-42")).toHaveCount(0);
  await page.keyboard.press("End");
  await expect(terminalLine(screen, "replay-42")).toHaveCount(1);

  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: test.info().outputPath(`replay-${colorScheme}.png`) });
  }

  // The page is its own link.
  await page.reload();
  await page.getByRole("button", { name: "Play" }).click();
  await expect(terminalLine(screen, "replay-42")).toHaveCount(1, { timeout: 30_000 });
});
