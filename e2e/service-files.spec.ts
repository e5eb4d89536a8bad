// A service's secrets and configs through the service form, on the test bed's real swarm: the
// admin mounts a secret and a config at chosen file names, owners and modes (octal, as typed),
// the line shown says --secret and --config, and the engine's spec has both; the update form
// shows them back as rows. A user who may create services but not read a config's data sees the
// config rows disabled, with the reason, still adds a secret, and the server refuses a config.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, baseURL, mutate, query, signedOut, signIn } from "./fixtures";

const MANAGER_SOCKET = process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "/tmp/stevedore-testbed/swarm-mgr.sock";
const IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const manager = new Docker({ socketPath: MANAGER_SOCKET, version: "v1.41" });
const stamp = Date.now() % 100_000;
const envName = `swarm-files-${stamp}`;
const secret = `e2efsec${stamp}`;
const config = `e2efconf${stamp}`;
const service = `e2efsvc${stamp}`;
const roleName = `Services without config data ${stamp}`;
const cora = { username: `cora${stamp}`, displayName: "Cora Coder", password: "capstan-fender-hatch-4471" };
let environmentId = "";
let roleId = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  const env = await mutate<{ id: string }>(admin.request, "environments.create", {
    name: envName,
    url: `unix://${MANAGER_SOCKET}`,
  });
  environmentId = env.id;
  await manager.createSecret({ Name: secret, Data: Buffer.from(`pw-${stamp}`).toString("base64") });
  await manager.createConfig({ Name: config, Data: Buffer.from(`listen ${stamp}\n`).toString("base64") });
  // Everything an Operator has but config.data.read, on this swarm only.
  const roles = await query<{ id: string; name: string; permissions: string[] }[]>(admin.request, "roles.list");
  const operator = roles.find((r) => r.name === "Operator");
  expect(operator?.permissions).toContain("config.data.read");
  const role = await mutate<{ id: string }>(admin.request, "roles.create", {
    name: roleName,
    permissions: operator!.permissions.filter((p) => p !== "config.data.read"),
  });
  roleId = role.id;
  const user = await mutate<{ id: string }>(admin.request, "users.create", cora);
  await mutate(admin.request, "bindings.create", { roleId, userId: user.id, environmentId });
  await expect
    .poll(
      async () =>
        (await query<{ items: { source: { environmentId: string } }[] }>(admin.request, "swarm.clusters")).items.some(
          (c) => c.source.environmentId === environmentId,
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  await manager
    .getService(service)
    .remove()
    .catch(() => undefined);
  // The engine lets an object go once no task uses it any more.
  await expect
    .poll(
      async () => {
        const gone = await Promise.all([
          manager
            .getSecret(secret)
            .remove()
            .then(() => true)
            .catch((e: { statusCode?: number }) => e.statusCode === 404),
          manager
            .getConfig(config)
            .remove()
            .then(() => true)
            .catch((e: { statusCode?: number }) => e.statusCode === 404),
        ]);
        return gone.every(Boolean);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  if (environmentId) await mutate(admin.request, "environments.remove", { environmentId });
  if (roleId) await mutate(admin.request, "roles.remove", { id: roleId }).catch(() => undefined);
  await admin.close();
});

/** The service form on this test's swarm (the select is there when there is more than one). */
async function openCreateForm(page: import("@playwright/test").Page) {
  await page.goto("/swarm/services/new");
  await expect(page.getByRole("heading", { level: 1, name: "Create a service" })).toBeVisible();
  const swarm = page.getByLabel("Swarm", { exact: true });
  if (await swarm.isVisible()) {
    const label = await swarm
      .locator("option")
      .filter({ hasText: envName })
      .first()
      .textContent()
      .catch(() => null);
    if (label) await swarm.selectOption({ label });
  }
}

test("the admin mounts a secret and a config with the form, and the engine's spec has them", async ({ page }) => {
  test.setTimeout(240_000);
  await openCreateForm(page);
  await page.getByLabel("Name", { exact: true }).fill(service);
  await page.getByLabel("Image", { exact: true }).fill(IMAGE);
  await page.getByLabel("Command", { exact: true }).fill("sleep 3600");

  // The cluster's names are offered.
  await expect(page.locator(`#service-secrets-options option[value="${secret}"]`)).toHaveCount(1);
  await expect(page.locator(`#service-configs-options option[value="${config}"]`)).toHaveCount(1);

  await page.getByRole("button", { name: "Add secret" }).click();
  await page.getByLabel("Secret name").fill(secret);
  await expect(page.getByLabel("Secret file")).toHaveAttribute("placeholder", `/run/secrets/${secret}`);
  await page.getByLabel("Secret file").fill("db.pw");
  const secretMode = page.getByLabel("Secret mode");
  await secretMode.fill("0800");
  await expect(secretMode).toHaveAttribute("aria-invalid", "true");
  await expect(secretMode).toHaveAccessibleDescription(/Octal/);
  await secretMode.fill("0400");
  await expect(secretMode).not.toHaveAttribute("aria-invalid", "true");

  await page.getByRole("button", { name: "Add config" }).click();
  await page.getByLabel("Config name").fill(config);
  await page.getByLabel("Config file").fill("/etc/app.conf");
  await page.getByLabel("Config uid").fill("1000");
  await page.getByLabel("Config mode").fill("440");

  const cli = page.getByTestId("cli-preview");
  await expect(cli).toContainText(`--secret source=${secret},target=db.pw,mode=0400`);
  await expect(cli).toContainText(`--config source=${config},target=/etc/app.conf,uid=1000,mode=0440`);
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page.getByRole("heading", { name: service })).toBeVisible({ timeout: 30_000 });

  const inspected = (await manager.getService(service).inspect()) as {
    Spec: {
      TaskTemplate: {
        ContainerSpec: {
          Secrets?: { SecretName: string; File: { Name: string; UID: string; GID: string; Mode: number } }[];
          Configs?: { ConfigName: string; File: { Name: string; UID: string; GID: string; Mode: number } }[];
        };
      };
    };
  };
  const container = inspected.Spec.TaskTemplate.ContainerSpec;
  expect(container.Secrets).toEqual([
    expect.objectContaining({ SecretName: secret, File: { Name: "db.pw", UID: "0", GID: "0", Mode: 0o400 } }),
  ]);
  expect(container.Configs).toEqual([
    expect.objectContaining({
      ConfigName: config,
      File: { Name: "/etc/app.conf", UID: "1000", GID: "0", Mode: 0o440 },
    }),
  ]);

  // The update form edits them: they come back as rows, the modes in octal.
  await page.getByRole("link", { name: "Update…" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Update ${service}` })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel("Secret name")).toHaveValue(secret);
  await expect(page.getByLabel("Secret mode")).toHaveValue("0400");
  await expect(page.getByLabel("Config file")).toHaveValue("/etc/app.conf");
  await expect(page.getByLabel("Config mode")).toHaveValue("0440");
});

test.describe("as a user who may create services but not read a config's data", () => {
  test.use({ storageState: signedOut });

  test("the config rows are disabled with the reason, a secret can still be added, and the server refuses a config", async ({
    page,
  }) => {
    await signIn(page, cora.username, cora.password);
    await expect(page.getByTestId("signed-in-user")).toHaveText(cora.displayName);
    await openCreateForm(page);
    const configs = page.getByTestId("service-configs");
    await expect(configs).toContainText("Mounting a config needs the config.data.read permission");
    await expect(configs.getByRole("button", { name: "Add config" })).toBeDisabled();

    await page.getByRole("button", { name: "Add secret" }).click();
    await expect(page.getByLabel("Secret name")).toBeEnabled();
    await page.getByLabel("Secret name").fill(secret);

    // The API says the same to a caller that sends a config anyway.
    const input = {
      environmentId,
      spec: { name: `${service}x`, image: IMAGE, configs: [{ name: config }], secrets: [{ name: secret }] },
    };
    const response = await page.request.get(
      `${baseURL}/api/trpc/services.check?input=${encodeURIComponent(JSON.stringify(input))}`,
    );
    expect(response.ok()).toBe(true);
    const verdict = ((await response.json()) as { result: { data: { violations: { permission: string }[] } } }).result
      .data;
    expect(verdict.violations.map((v) => v.permission)).toEqual(["config.data.read"]);
  });
});
