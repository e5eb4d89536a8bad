// The images and registries journey on the test bed: save the test bed's registry (a wrong
// password first, and the error says so), pull an image from it onto two environments at
// once watching both progress bars, tag it and push the tag, prune a dangling image after
// reading the preview, download an image and remove one. Then the read-only user is refused
// through the UI, the API (one call and a batch) and the import door.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, baseURL, mutate, query } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET } from "./testbed";

const REGISTRY = process.env.TESTBED_REGISTRY ?? "10.201.0.1:5000";
const REGISTRY_USER = process.env.TESTBED_REGISTRY_USER ?? "stevedore";
const REGISTRY_PASSWORD = process.env.TESTBED_REGISTRY_PASSWORD ?? "";
const MANAGER_SOCKET = process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "/tmp/stevedore-testbed/swarm-mgr.sock";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const REMOTE_IMAGE = `${REGISTRY}/stevedore-fixture/busybox:latest`;

const standalone = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
const manager = new Docker({ socketPath: MANAGER_SOCKET, version: "v1.41" });
const stamp = Date.now().toString(36);
const envA = `images-a-${stamp}`;
const envB = `images-b-${stamp}`;
const registryName = `testbed-${stamp}`;
const pushedTag = `${REGISTRY}/e2e/busybox:${stamp}`;
const removableRepo = `e2e-remove-${stamp}`;

type Env = Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let a: Env | undefined;
let b: { id: string } | undefined;
let danglingId = "";

test.beforeAll(async ({ browser }) => {
  // So that the pull has to fetch its layers on both engines.
  for (const engine of [standalone, manager]) {
    await engine
      .getImage(REMOTE_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
  }
  // A dangling image of this run's own: a commit without a name.
  const container = await standalone.createContainer({ Image: FIXTURE_IMAGE, Cmd: ["true"], Labels: { stamp } });
  const committed = (await container.commit({ comment: `e2e ${stamp}` })) as { Id: string };
  await container.remove();
  danglingId = committed.Id.replace(/^sha256:/, "");
  // An image of this run's own to remove (the fixture's id is shared by the pulled tags).
  const other = await standalone.createContainer({ Image: FIXTURE_IMAGE, Cmd: ["true"], Labels: { stamp } });
  await other.commit({ repo: removableRepo, tag: "1" });
  await other.remove();
  // (Before the environments: the engine tells of a commit as a container event only, so the
  // live picture of an environment watched already would learn of the image at its next resync.)
  const admin = await browser.newContext({ storageState: authFile("admin") });
  a = await addStandaloneEnvironment(admin.request, envA);
  b = await mutate<{ id: string }>(admin.request, "environments.create", {
    name: envB,
    url: `unix://${MANAGER_SOCKET}`,
  });
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  await standalone
    .getImage(pushedTag)
    .remove()
    .catch(() => undefined);
  await standalone
    .getImage(`${removableRepo}:1`)
    .remove()
    .catch(() => undefined);
  await standalone
    .getImage(danglingId)
    .remove()
    .catch(() => undefined);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await a?.remove(admin.request);
  if (b) await mutate(admin.request, "environments.remove", { environmentId: b.id }).catch(() => undefined);
  const registries = await query<{ id: string; name: string }[]>(admin.request, "registries.list");
  for (const r of registries.filter((r) => r.name === registryName)) {
    await mutate(admin.request, "registries.remove", { id: r.id }).catch(() => undefined);
  }
  await admin.close();
});

test("save the test bed's registry: a wrong password is refused and says so", async ({ page }) => {
  await page.goto("/registries");
  await page.getByRole("button", { name: "Add registry" }).click();
  const form = page.getByRole("dialog", { name: "Add a registry" });
  await form.getByLabel("Name", { exact: true }).fill(registryName);
  await form.getByLabel("Address").fill(`http://${REGISTRY}`);
  await form.getByLabel("Username").fill(REGISTRY_USER);
  await form.getByLabel("Password or token").fill("not-the-password");
  await form.getByRole("button", { name: "Test and save" }).click();
  await expect(form.getByRole("alert")).toContainText("refused the username or password");

  await form.getByLabel("Password or token").fill(REGISTRY_PASSWORD);
  await form.getByRole("button", { name: "Test and save" }).click();
  await expect(form).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: registryName });
  await expect(row).toContainText(`${REGISTRY_USER} (password saved)`);
  await expect(row).toContainText("ok");
  // The password never comes back to the browser.
  const listed = await page.request.get("/api/trpc/registries.list");
  expect(await listed.text()).not.toContain(REGISTRY_PASSWORD);

  await row.getByRole("button", { name: `Browse ${registryName}` }).click();
  const browse = page.getByRole("dialog", { name: `Browse ${registryName}` });
  await browse.getByRole("button", { name: "stevedore-fixture/busybox" }).click();
  await expect(browse.getByRole("region", { name: "Tags" })).toContainText("latest");
});

test("pull onto two environments at once, tag, push, download and remove", async ({ page }) => {
  // Eight steps against two engines and a registry, each waiting for what it shows.
  test.setTimeout(120_000);
  await page.goto("/images");
  await page.getByRole("button", { name: "Pull image" }).click();
  const pull = page.getByRole("dialog", { name: "Pull an image" });
  await pull.getByLabel("Image", { exact: true }).fill(REMOTE_IMAGE);
  await pull.getByLabel("Registry credentials").selectOption({ label: `${registryName} (${REGISTRY})` });
  await pull.getByLabel(envA, { exact: true }).check();
  await pull.getByLabel(envB, { exact: true }).check();
  await pull.getByRole("button", { name: "Pull on 2 environments" }).click();
  const progress = pull.getByTestId("pull-progress");
  for (const env of [envA, envB]) {
    const bar = progress.locator(`[data-testid="transfer"][data-environment="${env}"]`);
    await expect(bar.getByRole("progressbar", { name: `Pull ${REMOTE_IMAGE} on ${env}` })).toBeVisible();
    await expect(bar.getByText("done")).toBeVisible({ timeout: 60_000 });
    await expect(bar).toContainText(`docker --context ${env} image pull ${REMOTE_IMAGE}`);
  }
  await pull.getByRole("button", { name: "Close" }).first().click();
  expect((await manager.getImage(REMOTE_IMAGE).inspect()).Id).toBeTruthy();

  await page.getByLabel("Environment").selectOption({ label: envA });
  await page.getByRole("searchbox", { name: "Search by tag, id or digest" }).fill(REMOTE_IMAGE);
  const row = page.getByRole("row").filter({ hasText: REMOTE_IMAGE });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: `Open ${REMOTE_IMAGE}` }).click();
  const dialog = page.getByRole("dialog", { name: `Image ${REMOTE_IMAGE}` });
  await expect(dialog.getByRole("heading", { name: /^Layers/ })).toBeVisible();

  await dialog.getByLabel("New tag").fill(pushedTag);
  await dialog.getByRole("button", { name: "Tag", exact: true }).click();
  await expect(dialog.getByTestId("image-tags")).toContainText(pushedTag);
  await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envA} image tag ${REMOTE_IMAGE} ${pushedTag}`);

  await dialog.getByLabel("Tag to push").selectOption(pushedTag);
  await dialog.getByLabel("Push with").selectOption({ label: `${registryName} (${REGISTRY})` });
  await dialog.getByRole("button", { name: "Push", exact: true }).click();
  await expect(dialog.getByTestId("transfer").getByText("done")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envA} image push ${pushedTag}`);
  const tags = await page.request.get(
    `/api/trpc/registries.tags?input=${encodeURIComponent(JSON.stringify({ id: await registryId(page), repository: "e2e/busybox" }))}`,
  );
  expect(await tags.text()).toContain(stamp);

  const download = page.waitForEvent("download");
  await dialog.getByRole("link", { name: /Download as a tar/ }).click();
  expect((await download).suggestedFilename()).toMatch(/\.tar$/);
  await dialog.getByRole("button", { name: "Close" }).click();

  await page.getByRole("searchbox", { name: "Search by tag, id or digest" }).fill(removableRepo);
  const removable = page.getByRole("row").filter({ hasText: `${removableRepo}:1` });
  await expect(removable).toHaveCount(1);
  await removable.getByRole("button", { name: `Remove ${removableRepo}:1` }).click();
  const confirm = page.getByRole("dialog", { name: `Remove ${removableRepo}:1?` });
  await confirm.getByRole("button", { name: "Remove image" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envA} image rm ${removableRepo}:1`);
  await expect(standalone.getImage(`${removableRepo}:1`).inspect()).rejects.toThrow();
});

test("prune dangling images after reading the preview", async ({ page }) => {
  await page.goto(`/images?env=${a!.id}&use=dangling`);
  await page.getByRole("button", { name: "Prune…" }).click();
  const prune = page.getByRole("dialog", { name: "Prune images" });
  await prune.getByLabel("Environment").selectOption({ label: envA });
  await expect(prune.getByTestId("prune-preview")).toContainText(danglingId.slice(0, 12));
  await expect(prune.getByTestId("prune-preview")).toContainText("freeing");
  await prune.getByRole("button", { name: /^Prune \d+ image/ }).click();
  await expect(prune).toBeHidden();
  await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envA} image prune -f`);
  await expect(standalone.getImage(danglingId).inspect()).rejects.toThrow();
});

test.describe("as the read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("is refused every image and registry change, through the UI, the API, a batch and the import door", async ({
    page,
  }) => {
    await page.goto("/images");
    await expect(page.getByRole("heading", { level: 1, name: "Images" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Pull image" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Prune…" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Remove / })).toHaveCount(0);
    await page.goto("/registries");
    await expect(page.getByRole("heading", { name: "You do not have permission (registry.manage)" })).toBeVisible();

    const headers = { origin: baseURL };
    for (const [procedure, input] of [
      ["images.pull", { environmentId: a!.id, image: REMOTE_IMAGE }],
      ["images.remove", { environmentId: a!.id, image: FIXTURE_IMAGE, force: true }],
      ["images.prune", { environmentId: a!.id, all: true }],
      ["images.tag", { environmentId: a!.id, image: FIXTURE_IMAGE, target: "stolen:1" }],
      ["registries.create", { name: "evil", url: "http://10.0.0.1:5000" }],
    ] as const) {
      const answer = await page.request.post(`/api/trpc/${procedure}`, { data: input, headers });
      expect(answer.status(), procedure).toBe(403);
    }
    const listed = await page.request.get("/api/trpc/registries.list");
    expect(listed.status()).toBe(403);
    const batch = await page.request.post("/api/trpc/images.prune,images.remove?batch=1", {
      data: {
        "0": { environmentId: a!.id, all: true },
        "1": { environmentId: a!.id, image: FIXTURE_IMAGE, force: true },
      },
      headers,
    });
    const answers = (await batch.json()) as { error?: { data?: { httpStatus?: number } } }[];
    expect(answers.map((x) => x.error?.data?.httpStatus)).toEqual([403, 403]);
    const upload = await page.request.put(`/api/images/import?environmentId=${a!.id}`, {
      data: Buffer.alloc(1024),
      headers: { ...headers, "content-type": "application/x-tar" },
    });
    expect(upload.status()).toBe(403);
    expect((await standalone.getImage(FIXTURE_IMAGE).inspect()).Id).toBeTruthy();
  });
});

async function registryId(page: import("@playwright/test").Page): Promise<string> {
  const registries = await query<{ id: string; name: string }[]>(page.request, "registries.list");
  return registries.find((r) => r.name === registryName)!.id;
}
