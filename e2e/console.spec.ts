import { expect, test, type Page } from "@playwright/test";
import { authFile } from "./fixtures";
import Docker from "dockerode";
import { addStandaloneEnvironment, STANDALONE_SOCKET, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const containerName = `e2e-console-${stamp}`;
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(containerName);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `console-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

/** A terminal row whose whole text is `text` (xterm's DOM renderer: one div per row). */
const terminalLine = (page: Page, text: string) =>
  page.locator(".xterm-rows > div").filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });

async function run(page: Page, command: string) {
  await page.locator(".xterm").click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

test("an administrator opens a console from the list, runs a command, and the size follows the window", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/containers");
  await page.getByRole("searchbox", { name: "Search by name or image" }).fill(containerName);
  const row = page.getByRole("row").filter({ hasText: containerName });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: `Actions for ${containerName}` }).click();
  await page.getByRole("menuitem", { name: "Console" }).click();

  await expect(page).toHaveURL(new RegExp(`/containers/${environment.id}/[0-9a-f]{64}/console$`));
  await expect(page.getByTestId("container-name")).toHaveText(containerName);
  await expect(page.getByRole("link", { name: "Console" })).toHaveAttribute("aria-current", "page");
  // Nothing runs in the container until asked: no socket before Connect.
  await expect(page.getByRole("heading", { name: "No console open" })).toBeVisible();
  await expect(page.locator(".xterm")).toHaveCount(0);
  await page.getByRole("button", { name: "Connect" }).click();
  const status = page.getByTestId("console-status");
  await expect(status).toContainText("Connected", { timeout: 15_000 });
  // busybox has no bash: auto-detection falls back to sh.
  await expect(status).toContainText("sh");

  await run(page, "echo $((6*7))");
  await expect(terminalLine(page, "42")).toHaveCount(1);

  const size = page.getByTestId("console-size");
  await expect(size).toHaveText(/^\d+×\d+$/);
  const before = (await size.textContent())!;
  await page.setViewportSize({ width: 900, height: 600 });
  await expect(size).not.toHaveText(before);
  const [cols, rows] = (await size.textContent())!.split("×");
  await run(page, "echo size:$(stty size)");
  await expect(terminalLine(page, `size:${rows} ${cols}`)).toHaveCount(1);
});

test("a stopped container's console says so and offers to start it; the last choice is remembered", async ({
  page,
}) => {
  const engine = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
  const stopped = await engine.createContainer({
    name: `${containerName}-stopped`,
    Image: process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest",
    Cmd: ["sleep", "3600"],
    Labels: { "stevedore.test": "e2e" },
  });
  try {
    await page.goto(`/containers/${environment.id}/${stopped.id}/console`);
    await expect(page.getByRole("status").filter({ hasText: "This container is not running" })).toContainText(
      "It is created: start it to open a console.",
    );
    await expect(page.getByRole("button", { name: "Connect" })).toHaveCount(0);
    await page.getByRole("button", { name: "Start container" }).click();

    // Started: now a console can be opened, with a command of one's choice.
    const form = page.getByRole("form", { name: "New console" });
    await form.getByRole("textbox", { name: "Command" }).fill("sh");
    await form.getByLabel("Working directory").fill("/tmp");
    await form.getByRole("button", { name: "Connect" }).click();
    await expect(page.getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
    await run(page, "echo in-$(pwd)");
    await expect(terminalLine(page, "in-/tmp")).toHaveCount(1);

    // Next time, the same choice waits in the form, and still nothing starts by itself.
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Command" })).toHaveValue("sh");
    await expect(page.getByLabel("Working directory")).toHaveValue("/tmp");
    await expect(page.locator(".xterm")).toHaveCount(0);
  } finally {
    await stopped.remove({ force: true });
  }
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("the console is refused and no terminal session starts", async ({ page }) => {
    let socketOpened = false;
    page.on("websocket", (ws) => {
      if (ws.url().includes("/api/ws/exec")) socketOpened = true;
    });
    await page.goto(`/containers/${environment.id}/${container.id}/console`);
    await expect(page.getByText("You do not have permission to open a console here")).toBeVisible();
    await expect(page.getByRole("heading", { name: "You do not have permission (container.exec)" })).toBeVisible();
    await expect(page.locator(".xterm")).toHaveCount(0);
    expect(socketOpened).toBe(false);

    // The list offers no console (nor any action) to this user either.
    await page.goto(`/containers?q=${containerName}`);
    await expect(page.getByRole("row").filter({ hasText: containerName })).toHaveCount(1);
    await expect(page.getByRole("button", { name: `Actions for ${containerName}` })).toHaveCount(0);
  });
});
