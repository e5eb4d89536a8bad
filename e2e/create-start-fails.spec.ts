// A create whose start fails (issue #18 item 5): the container was made, so the page says so and
// offers to start it again, remove it and edit, or open it. And "Duplicate and edit" does not
// copy the source's published host ports into a certain clash: it clears them and says so.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, mutate } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET } from "./testbed";

const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const envName = `start-fails-${stamp}`;
const source = `e2e-port-holder-${stamp}`;
const copy = `${source}-copy`;
const hostPort = 20_000 + (stamp % 9_000);
const engine = () => new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let sourceId = "";

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  const created = await mutate<{ id: string }>(admin.request, "containers.create", {
    environmentId: environment.id,
    spec: {
      image: FIXTURE_IMAGE,
      name: source,
      command: ["sleep", "3600"],
      ports: [{ containerPort: 80, hostPort }],
      labels: { "stevedore.test": "e2e" },
    },
  });
  sourceId = created.id;
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  for (const name of [source, copy]) {
    await engine()
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

test("a duplicate leaves the host port out; a start that fails says the container exists and offers what next", async ({
  page,
}) => {
  await page.goto(`/containers/new?from=${environment.id}/${sourceId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Duplicate and edit" })).toBeVisible();
  const notCarried = page.getByRole("status").filter({ hasText: "Not carried over" });
  await expect(notCarried).toContainText(`the published host port ${hostPort}:80 (${source} holds it`);
  await expect(page.getByLabel("Host port", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Container port")).toHaveValue("80");

  // Typed back by hand: the clash is real, the engine refuses the start.
  await page.getByLabel("Host port", { exact: true }).fill(String(hostPort));
  await page.getByRole("button", { name: "Create and start" }).click();
  const told = page.getByTestId("created-not-started");
  await expect(told).toContainText(`Created ${copy}`);
  await expect(told).toContainText("could not start it");
  await expect(page.getByText("The container was not created")).toHaveCount(0);
  const leftover = await engine().getContainer(copy).inspect();
  expect(leftover.State.Running).toBe(false);

  // Start again while the port is still held: said, and the choices stay.
  await told.getByRole("button", { name: "Start again" }).click();
  await expect(told.getByRole("alert")).toContainText("It still did not start");

  // Remove it and edit: gone from the host, the form keeps its values for another try.
  await told.getByRole("button", { name: "Remove it and edit" }).click();
  await expect(page.getByText("The container that did not start is gone.")).toBeVisible();
  await expect(engine().getContainer(copy).inspect()).rejects.toThrow(/no such container/i);
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue(copy);

  // Same clash again, then the holder stops: Start again now works and opens the container.
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(told).toContainText("could not start it");
  await engine().getContainer(sourceId).stop({ t: 1 });
  await told.getByRole("button", { name: "Start again" }).click();
  await expect(page).toHaveURL(/\/containers\/[^/]+\/[0-9a-f]{64}$/);
  await expect(page.getByRole("heading", { level: 1, name: copy })).toBeVisible();
  expect((await engine().getContainer(copy).inspect()).State.Running).toBe(true);
});
