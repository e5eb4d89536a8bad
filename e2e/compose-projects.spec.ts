// Compose projects on the test bed's standalone engine, brought up by the real docker-compose
// CLI: listed under Compose, opened, stopped and started as a whole (with the docker compose
// line), removed with its network; a read-only user sees the project and no action.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { authFile, mutate } from "./fixtures";

const SOCKET = process.env.TESTBED_STANDALONE_SOCKET ?? "/tmp/stevedore-testbed/standalone.sock";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const project = `e2eproj${stamp % 100000}`;
const envName = `compose-${stamp}`;
const folder = mkdtempSync(path.join(tmpdir(), "stevedore-e2e-compose-"));
let environmentId: string;

function compose(...args: string[]) {
  execFileSync("docker-compose", ["-p", project, "-f", path.join(folder, "docker-compose.yml"), ...args], {
    env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}` },
    stdio: "ignore",
  });
}

test.beforeAll(async ({ browser }) => {
  writeFileSync(
    path.join(folder, "docker-compose.yml"),
    `version: "3.8"
services:
  web:
    image: ${FIXTURE_IMAGE}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
  worker:
    image: ${FIXTURE_IMAGE}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
`,
  );
  compose("up", "-d");
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environmentId = (
    await mutate<{ id: string }>(admin.request, "environments.create", {
      name: envName,
      url: `unix://${SOCKET}`,
    })
  ).id;
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  try {
    compose("down", "-t", "1");
  } catch {
    // removed by the test
  }
  rmSync(folder, { recursive: true, force: true });
  const admin = await browser.newContext({ storageState: authFile("admin") });
  if (environmentId) await mutate(admin.request, "environments.remove", { environmentId });
  await admin.close();
});

test.describe("as an administrator", () => {
  test.use({ storageState: authFile("admin") });

  test("stop, start and remove a whole compose project from its page", async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Compose" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Compose projects" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: project });
    await expect(row).toContainText(envName);
    await expect(row).toContainText("2/2 running");
    await row.getByRole("link", { name: project }).click();

    await expect(page.getByRole("heading", { level: 1, name: `Compose project ${project}` })).toBeVisible();
    const containers = page.getByRole("table", { name: "Containers" });
    await expect(containers.getByRole("row")).toHaveCount(3);
    await expect(containers).toContainText(`${project}_web_1`);

    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envName} compose -p ${project} stop`);
    await expect(containers.getByText("running")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeDisabled();

    await page.getByRole("button", { name: "Start", exact: true }).click();
    await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envName} compose -p ${project} start`);
    await expect(containers.getByText("running", { exact: true })).toHaveCount(2);

    // E2E_SCREENSHOTS=dir: the list and the project page at both sizes, in both themes, to look at.
    const shots = process.env.E2E_SCREENSHOTS;
    if (shots) {
      for (const [w, h] of [
        [1440, 900],
        [390, 844],
      ] as const) {
        for (const scheme of ["light", "dark"] as const) {
          await page.setViewportSize({ width: w, height: h });
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({ path: `${shots}/project-${w}-${scheme}.png`, fullPage: true });
          await page.goto("/projects");
          await expect(page.getByRole("link", { name: project })).toBeVisible();
          await page.screenshot({ path: `${shots}/projects-${w}-${scheme}.png`, fullPage: true });
          await page.goBack();
          await expect(containers).toContainText(`${project}_web_1`);
        }
      }
      await page.setViewportSize({ width: 1440, height: 900 });
    }

    await page.getByRole("button", { name: "Remove", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Remove compose project ${project}?` });
    await expect(dialog.getByLabel(/Also remove its networks/)).toBeChecked();
    await dialog.getByRole("button", { name: "Remove project" }).click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("link", { name: project })).toHaveCount(0);
    const left = execFileSync("docker", [
      "-H",
      `unix://${SOCKET}`,
      "network",
      "ls",
      "-q",
      "-f",
      `label=com.docker.compose.project=${project}`,
    ]);
    expect(left.toString().trim()).toBe("");
  });
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("sees the project and its containers, and no action", async ({ page }) => {
    compose("up", "-d");
    await page.goto(`/projects/${encodeURIComponent(environmentId)}/${project}`);
    await expect(page.getByRole("heading", { level: 1, name: `Compose project ${project}` })).toBeVisible();
    await expect(page.getByRole("table", { name: "Containers" })).toContainText(`${project}_worker_1`);
    for (const name of ["Start", "Stop", "Restart", "Remove"]) {
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    }
  });
});
