// The stack journey on the test bed's real swarm: write a compose file in the editor (a mistake
// is marked with its line and nothing typed is lost), add the secret and config files it names,
// see what the deploy creates, deploy, watch the services converge, remove the stack.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { authFile, mutate, query } from "./fixtures";

const MANAGER_SOCKET = process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "/tmp/stevedore-testbed/swarm-mgr.sock";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const stack = `e2estk${stamp % 100000}`;
const envName = `swarm-${stamp}`;
let environmentId: string;

const goodFile = `services:
  web:
    image: ${FIXTURE_IMAGE}
    command: sleep 3600
    secrets:
      - db_password
    configs:
      - source: site
        target: /etc/site.conf
  api:
    image: ${FIXTURE_IMAGE}
    command: sleep 3600
    deploy:
      replicas: 2
secrets:
  db_password:
    file: ./db_password.txt
configs:
  site:
    file: ./site.conf
`;
// deploy.replicas must be a number: the schema refuses it on line 14
const badFile = goodFile.replace("replicas: 2", "replicas: two");

function removeWithCli() {
  try {
    execFileSync("docker", ["-H", `unix://${MANAGER_SOCKET}`, "stack", "rm", stack], { stdio: "ignore" });
  } catch {
    // nothing to remove
  }
}

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  const env = await mutate<{ id: string }>(admin.request, "environments.create", {
    name: envName,
    url: `unix://${MANAGER_SOCKET}`,
  });
  environmentId = env.id;
  // the fleet learns it is a swarm manager from its first probe
  await expect
    .poll(async () => {
      const list = await query<{ clusters: { environmentId: string }[] }>(admin.request, "stacks.list");
      return list.clusters.some((c) => c.environmentId === environmentId);
    })
    .toBe(true);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  removeWithCli();
  const admin = await browser.newContext({ storageState: authFile("admin") });
  if (environmentId) await mutate(admin.request, "environments.remove", { environmentId });
  await admin.close();
});

test("deploy a stack with a secret and a config from the editor, see its services converge, remove it", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto("/stacks");
  await page.getByRole("link", { name: "Deploy a stack" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Deploy a stack" })).toBeVisible();
  await page.getByLabel("Swarm (through its manager)").selectOption({ label: envName });
  await page.getByLabel("Stack name").fill(stack);

  // A mistake: marked with its line, and the text stays as typed.
  const editor = page.getByRole("textbox", { name: "Compose file" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(badFile);
  const problems = page.getByRole("list", { name: "Problems in the compose file" });
  await expect(problems).toContainText("line 14");
  await expect(problems).toContainText("replicas");
  await expect(page.getByRole("button", { name: "Deploy", exact: true })).toBeDisabled();
  await expect(editor).toContainText("replicas: two");

  // The files it names are not given yet: said so, with the line.
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(goodFile);
  await expect(problems).toContainText("db_password.txt");
  await page.getByLabel("Add files it names (secrets, configs, env files)").setInputFiles([
    { name: "db_password.txt", mimeType: "text/plain", buffer: Buffer.from("e2e-secret-value") },
    { name: "site.conf", mimeType: "text/plain", buffer: Buffer.from("listen 80\n") },
  ]);
  const creates = page.getByRole("region", { name: "What the deploy changes" });
  await expect(creates).toContainText(`${stack}_web`);
  await expect(creates).toContainText(`${stack}_api`);
  await expect(creates).toContainText(`${stack}_db_password`);
  await expect(problems).toHaveCount(0);

  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/stacks/[^/]+/${stack}$`));
  await expect(page.getByRole("heading", { level: 1, name: `Stack ${stack}` })).toBeVisible();
  const services = page.getByRole("table", { name: "Services" });
  await expect(services.getByRole("row").filter({ hasText: `${stack}_web` })).toContainText("converged", {
    timeout: 120_000,
  });
  await expect(services.getByRole("row").filter({ hasText: `${stack}_api` })).toContainText("2/2 running", {
    timeout: 120_000,
  });
  await expect(page.getByRole("list", { name: "Secrets" })).toContainText(`${stack}_db_password`);
  await expect(page.getByRole("list", { name: "Configs" })).toContainText(`${stack}_site`);
  await expect(page.getByRole("table", { name: "Versions" })).toContainText("v1");

  // It is in the list too.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stacks", exact: true }).click();
  await expect(page.getByRole("table", { name: "Stacks" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: stack })).toContainText("converged");
  await page.getByRole("link", { name: stack, exact: true }).click();

  await page.getByRole("button", { name: "Remove stack" }).click();
  await page
    .getByRole("dialog", { name: `Remove stack ${stack}?` })
    .getByRole("button", { name: "Remove stack" })
    .click();
  await expect(page).toHaveURL(/\/stacks$/);
  await expect(page.getByRole("link", { name: stack, exact: true })).toHaveCount(0, { timeout: 60_000 });
});
