// "Who restarted web-1?" (issue #18 item 2): container events keep the container's and the
// environment's names as they were, so the trail answers by name after both are gone: the target
// filter finds the container by name, the environment filter by its old name, the table shows
// that name, and the NDJSON export carries names, not only ids.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { mutate } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
const envName = `who-env-${stamp}`;
const containerName = `who-web-${stamp}`;

test("the restart of a container that is gone, on an environment that is gone, is found by their names", async ({
  page,
}) => {
  const environment = await addStandaloneEnvironment(page.request, envName);
  const container = await startFixtureContainer(containerName);
  await mutate(page.request, "containers.restart", {
    environmentId: environment.id,
    id: container.id,
    timeoutSeconds: 1,
  });
  await container.remove();
  await environment.remove(page.request);

  await page.goto("/audit");
  const filters = page.getByRole("search", { name: "Filter events" });
  await filters.getByLabel("Target").fill(containerName);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const events = page.getByRole("table", { name: "Audit events" });
  const row = events.getByRole("row").filter({ hasText: "containers.restart" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(containerName);
  // The environment is gone: the name it had, not its id.
  await expect(row).toContainText(envName);
  await expect(row).not.toContainText(environment.id);

  // By the environment's old name alone.
  await filters.getByLabel("Target").fill("");
  await filters.getByLabel("Environment").fill(envName);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]environment=${envName}`));
  await expect(events.getByRole("row").filter({ hasText: "containers.restart" })).toHaveCount(1);

  await page.getByRole("button", { name: "Export" }).click();
  const downloading = page.waitForEvent("download");
  await page.getByRole("menuitem", { name: /NDJSON/ }).click();
  const lines = (await readFile(await (await downloading).path(), "utf8")).trim().split("\n");
  const restart = lines
    .map((line) => JSON.parse(line) as { action: string; targetName: string; environmentName: string })
    .find((event) => event.action === "containers.restart");
  expect(restart).toMatchObject({ targetName: containerName, environmentName: envName });
});
