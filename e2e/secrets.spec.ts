// Secrets and configs on the test bed's real swarm, as a real user: create a secret from a typed
// value and a config from a file, see which service uses the secret, be refused removing it while
// it is used, rotate it (the service mounts the new version, the old one goes), read the config.
// Then as the reader (the weakest role that sees them): no way to change anything, through the
// page, the API or a batch, and no secret data in any answer. Last, a stack the CLI deployed is
// adopted, edited, compared with its first version and redeployed as it was.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { authFile, baseURL, mutate, query } from "./fixtures";

const MANAGER_SOCKET = process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "/tmp/stevedore-testbed/swarm-mgr.sock";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now() % 100000;
const secret = `e2esec${stamp}`;
const config = `e2econf${stamp}`;
const service = `e2esvc${stamp}`;
const stack = `e2eadopt${stamp}`;
const envName = `swarm-secrets-${stamp}`;
const SECRET_VALUE = `e2e-never-shown-${stamp}`;
const ROTATED_VALUE = `e2e-rotated-never-shown-${stamp}`;
let environmentId: string;

const docker = (...args: string[]) =>
  execFileSync("docker", ["-H", `unix://${MANAGER_SOCKET}`, ...args], { encoding: "utf8" });
const quietly = (fn: () => unknown) => {
  try {
    fn();
  } catch {
    // already gone
  }
};

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  const env = await mutate<{ id: string }>(admin.request, "environments.create", {
    name: envName,
    url: `unix://${MANAGER_SOCKET}`,
  });
  environmentId = env.id;
  await expect
    .poll(async () => {
      const list = await query<{ clusters: { environmentId: string }[] }>(admin.request, "secrets.list");
      return list.clusters.some((c) => c.environmentId === environmentId);
    })
    .toBe(true);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  quietly(() => docker("service", "rm", service));
  quietly(() => docker("stack", "rm", stack));
  const admin = await browser.newContext({ storageState: authFile("admin") });
  if (environmentId) await mutate(admin.request, "environments.remove", { environmentId });
  await admin.close();
});

test.describe.configure({ mode: "serial" });

test("create, use, refuse to remove, rotate a secret; create and read a config", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secrets", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Secrets" })).toBeVisible();

  await page.getByRole("button", { name: "Create secret" }).click();
  const create = page.getByRole("dialog", { name: "Create a secret" });
  await create.getByLabel("Swarm (through its manager)").selectOption({ label: envName });
  await create.getByLabel("Name").fill(secret);
  await create.getByLabel("Value", { exact: true }).fill(SECRET_VALUE);
  await create.getByLabel("Labels (key=value, one a line)").fill("team=e2e");
  await create.getByRole("button", { name: "Create secret" }).click();
  await expect(page.getByTestId("cli")).toHaveText(
    `docker --context ${envName} secret create --label team=e2e ${secret} ./data-file`,
  );
  const row = page.getByRole("row").filter({ hasText: secret });
  await expect(row).toContainText("no service");
  await expect(row).toContainText("team=e2e");

  // A service mounts it (made with the CLI): the list says so.
  docker(
    "service",
    "create",
    "--detach",
    "--name",
    service,
    "--stop-grace-period",
    "1s",
    "--secret",
    `source=${secret},target=db_password`,
    FIXTURE_IMAGE,
    "sleep",
    "3600",
  );
  await expect(row).toContainText(service, { timeout: 30_000 });

  // Removing it while used: the dialog says who uses it, the refusal names the service.
  await page.getByRole("button", { name: `Remove ${secret}` }).click();
  const remove = page.getByRole("dialog", { name: `Remove ${secret}?` });
  await expect(remove).toContainText(service);
  await remove.getByRole("button", { name: "Remove secret" }).click();
  await expect(remove.getByRole("alert")).toContainText(`service ${service}`);
  await remove.getByRole("button", { name: "Cancel" }).click();

  // Rotate: the service mounts the new version at the same place; the old one goes.
  await page.getByRole("button", { name: `Rotate ${secret}` }).click();
  const rotate = page.getByRole("dialog", { name: `Rotate ${secret}` });
  await expect(rotate).toContainText(service);
  await rotate.getByLabel("Value", { exact: true }).fill(ROTATED_VALUE);
  await rotate.getByRole("button", { name: "Rotate" }).click();
  await expect(page.getByText(`Rotated ${secret} to ${secret}-v2; updated ${service}; removed ${secret}.`)).toBeVisible(
    {
      timeout: 180_000,
    },
  );
  await expect(page.getByTestId("cli")).toContainText(
    `service update --secret-rm ${secret} --secret-add source=${secret}-v2,target=db_password ${service}`,
  );
  await expect(page.getByRole("row").filter({ hasText: `${secret}-v2` })).toContainText(service);
  await expect(page.getByRole("row").filter({ hasText: new RegExp(`${secret}(?!-v2)`) })).toHaveCount(0);
  expect(await page.content()).not.toContain(SECRET_VALUE);
  expect(await page.content()).not.toContain(ROTATED_VALUE);

  // A config from a file, read back by opening it.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Configs", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Configs" })).toBeVisible();
  await page.getByRole("button", { name: "Create config" }).click();
  const createConfig = page.getByRole("dialog", { name: "Create a config" });
  await createConfig.getByLabel("Swarm (through its manager)").selectOption({ label: envName });
  await createConfig.getByLabel("Name").fill(config);
  await createConfig.getByLabel("Read it from a file").setInputFiles({
    name: "site.conf",
    mimeType: "text/plain",
    buffer: Buffer.from("listen 8080;\n"),
  });
  await expect(createConfig).toContainText("site.conf (13 bytes)");
  await createConfig.getByRole("button", { name: "Create config" }).click();
  await page.getByRole("button", { name: config, exact: true }).click();
  await expect(page.getByLabel(`Content of ${config}`)).toHaveText("listen 8080;\n");
});

test("the reader sees secrets but changes nothing, through the page, the API or a batch", async ({ browser }) => {
  const reader = await browser.newContext({ storageState: authFile("viewer") });
  const page = await reader.newPage();
  await page.goto("/secrets");
  const row = page.getByRole("row").filter({ hasText: `${secret}-v2` });
  // the list asks the swarm's manager: slow on a loaded machine
  await expect(row).toContainText(service, { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Create secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Rotate ${secret}-v2` })).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Remove ${secret}-v2` })).toHaveCount(0);

  const headers = { origin: baseURL };
  const single = await reader.request.post("/api/trpc/secrets.remove", {
    data: { environmentId, name: `${secret}-v2` },
    headers,
  });
  expect(single.status()).toBe(403);
  const rotate = await reader.request.post("/api/trpc/secrets.rotate", {
    data: { environmentId, name: `${secret}-v2`, data: "stolen" },
    headers,
  });
  expect(rotate.status()).toBe(403);
  const batch = await reader.request.post("/api/trpc/secrets.create,configs.remove?batch=1", {
    data: { 0: { environmentId, name: "e2e-sneaky", data: "x" }, 1: { environmentId, name: config } },
    headers,
  });
  const answers = (await batch.json()) as { error?: { data?: { httpStatus?: number } } }[];
  expect(answers.map((a) => a.error?.data?.httpStatus)).toEqual([403, 403]);
  const listed = await reader.request.get("/api/trpc/secrets.list");
  expect(await listed.text()).not.toContain(ROTATED_VALUE);
  expect(docker("secret", "ls", "--format", "{{.Name}}")).not.toContain("e2e-sneaky");
  expect(docker("config", "ls", "--format", "{{.Name}}")).toContain(config);
  // A config's data needs config.data.read, which the reader lacks: the page opens the config
  // (its dates and users) without the data, and the API refuses it.
  await page.goto("/configs");
  await page.getByRole("button", { name: config, exact: true }).click({ timeout: 30_000 });
  const opened = page.getByRole("dialog", { name: `Config ${config}` });
  await expect(opened).toContainText("needs the config.data.read permission");
  await expect(opened.getByLabel(`Content of ${config}`)).toHaveCount(0);
  const data = await reader.request.get(
    `/api/trpc/configs.get?input=${encodeURIComponent(JSON.stringify({ environmentId, name: config }))}`,
  );
  expect(data.status()).toBe(403);
  expect(await data.text()).not.toContain("listen 8080");
  await reader.close();
});

test("adopt a stack the CLI deployed, edit it, compare versions, redeploy the first", async ({ page }) => {
  test.setTimeout(300_000);
  const file = `services:\n  one:\n    image: ${FIXTURE_IMAGE}\n    command: sleep 3600\n    deploy:\n      replicas: 1\n`;
  execFileSync(
    "sh",
    ["-c", `printf '%s' "$FILE" | docker -H unix://${MANAGER_SOCKET} stack deploy --resolve-image never -c - ${stack}`],
    { env: { ...process.env, FILE: file } },
  );
  await page.goto("/stacks");
  const listed = page.getByRole("row").filter({ hasText: stack });
  await expect(listed).toContainText("outside Stevedore", { timeout: 60_000 });
  await page.getByRole("link", { name: stack, exact: true }).click();
  await page.getByRole("button", { name: "Adopt: rebuild its compose file from the live specs" }).click();
  await expect(page.getByText("Adopted as version 1")).toBeVisible();
  const versions = page.getByRole("table", { name: "Versions" });
  await expect(versions).toContainText("(adopted)");

  // Edit it like any other: two replicas.
  const editor = page.getByRole("textbox", { name: "Compose file" });
  await expect(editor).toContainText("replicas: 1");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  const adoptedText = await query<{ composeFile: string }>(
    page.request,
    `stacks.version?input=${encodeURIComponent(JSON.stringify({ environmentId, name: stack, version: 1 }))}`,
  );
  await page.keyboard.insertText(adoptedText.composeFile.replace("replicas: 1", "replicas: 2"));
  await expect(page.getByRole("region", { name: "What the deploy changes" })).toContainText("Mode.Replicated.Replicas");
  await page.getByRole("button", { name: "Redeploy", exact: true }).click();
  await expect(versions).toContainText("v2", { timeout: 60_000 });
  const services = page.getByRole("table", { name: "Services" });
  await expect(services.getByRole("row").filter({ hasText: `${stack}_one` })).toContainText("2/2 running", {
    timeout: 120_000,
  });

  // Compare: v1 -> v2 by default, the changed line shown.
  const compare = page.getByRole("region", { name: "Compose file, v1 → v2" });
  await expect(compare).toContainText("- ");
  await expect(compare).toContainText("replicas: 2");

  // Redeploy the adopted version: back to one replica.
  await page.getByRole("button", { name: "Redeploy v1" }).click();
  await expect(versions).toContainText("(v1 again)", { timeout: 60_000 });
  await expect(services.getByRole("row").filter({ hasText: `${stack}_one` })).toContainText("1/1 running", {
    timeout: 120_000,
  });
});
