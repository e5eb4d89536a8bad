// The stack journey on the test bed's real swarm: write a compose file in the editor (a mistake
// is marked with its line and nothing typed is lost), add the secret and config files it names,
// see what the deploy creates, deploy, watch the services converge; then edit the deployed file
// (replicas of one service, image of another), see the file's diff and the specs' before
// applying, redeploy, watch the rollout per service until it converges; remove the stack.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { authFile, mutate, query } from "./fixtures";

const MANAGER_SOCKET = process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "/tmp/stevedore-testbed/swarm-mgr.sock";
const NODE_SOCKETS = [
  MANAGER_SOCKET,
  process.env.TESTBED_SWARM_WORKER1_SOCKET ?? "/tmp/stevedore-testbed/swarm-w1.sock",
  process.env.TESTBED_SWARM_WORKER2_SOCKET ?? "/tmp/stevedore-testbed/swarm-w2.sock",
];
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const stamp = Date.now();
const stack = `e2estk${stamp % 100000}`;
const envName = `swarm-${stamp}`;
// The edit's new image: the fixture under another tag on every node (nothing can be pulled here).
const NEXT_IMAGE = `${FIXTURE_IMAGE.replace(/:[^:/]+$/, "")}:e2e${stamp % 100000}`;
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
// The edit: web on the new image (its first image line), api scaled from 2 to 3.
const editedFile = goodFile
  .replace(`image: ${FIXTURE_IMAGE}`, `image: ${NEXT_IMAGE}`)
  .replace("replicas: 2", "replicas: 3");

function onEveryNode(args: string[]) {
  for (const socket of NODE_SOCKETS) {
    try {
      execFileSync("docker", ["-H", `unix://${socket}`, ...args], { stdio: "ignore" });
    } catch {
      // already so
    }
  }
}

function removeWithCli() {
  try {
    execFileSync("docker", ["-H", `unix://${MANAGER_SOCKET}`, "stack", "rm", stack], { stdio: "ignore" });
  } catch {
    // nothing to remove
  }
}

test.beforeAll(async ({ browser }) => {
  onEveryNode(["tag", FIXTURE_IMAGE, NEXT_IMAGE]);
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
  onEveryNode(["rmi", NEXT_IMAGE]);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  if (environmentId) await mutate(admin.request, "environments.remove", { environmentId });
  await admin.close();
});

test("deploy a stack with a secret and a config from the editor, see it converge, edit and redeploy it, remove it", async ({
  page,
}) => {
  test.setTimeout(360_000);
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

  // Edit the deployed file: web's image, api's replicas. Before applying: the file's diff and
  // what changes in each service's spec; the secret and config files are not given again.
  const edit = page.getByRole("region", { name: "Edit and redeploy" });
  const deployedEditor = edit.getByRole("textbox", { name: "Compose file" });
  await expect(deployedEditor).toContainText("replicas: 2");
  await deployedEditor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(editedFile);
  const fileDiff = edit.getByRole("region", { name: "Changes to the file since the deployed version" });
  await expect(fileDiff).toContainText(`- ${" ".repeat(4)}image: ${FIXTURE_IMAGE}`);
  await expect(fileDiff).toContainText(`+ ${" ".repeat(4)}image: ${NEXT_IMAGE}`);
  await expect(fileDiff).toContainText(`+ ${" ".repeat(6)}replicas: 3`);
  const changes = edit.getByRole("region", { name: "What the deploy changes" });
  const webChange = changes
    .getByRole("listitem")
    .filter({ hasText: `${stack}_web` })
    .first();
  await expect(webChange).toContainText("update");
  await expect(webChange).toContainText(`TaskTemplate.ContainerSpec.Image: "${FIXTURE_IMAGE}"`);
  await expect(webChange).toContainText(NEXT_IMAGE);
  const apiChange = changes
    .getByRole("listitem")
    .filter({ hasText: `${stack}_api` })
    .first();
  await expect(apiChange).toContainText("Mode.Replicated.Replicas: 2 → 3");
  await expect(apiChange).not.toContainText("Image");

  await edit.getByRole("button", { name: "Redeploy", exact: true }).click();
  // The rollout of version 2, service by service, until each has converged.
  const rolloutPanel = page.getByRole("region", { name: "Rollout of version 2" });
  const perService = rolloutPanel.getByRole("list", { name: "Rollout per service" });
  for (const service of ["web", "api"]) {
    await expect(perService.getByRole("listitem").filter({ hasText: `${stack}_${service}` })).toContainText(
      "converged",
      { timeout: 120_000 },
    );
  }
  await expect(perService.getByRole("listitem").filter({ hasText: `${stack}_api` })).toContainText("3/3");
  await expect(rolloutPanel).toContainText("Ended");
  await expect(services.getByRole("row").filter({ hasText: `${stack}_web` })).toContainText(NEXT_IMAGE);
  await expect(page.getByRole("table", { name: "Versions" }).getByRole("row").filter({ hasText: "v2" })).toContainText(
    "converged",
  );

  await page.getByRole("button", { name: "Remove stack" }).click();
  await page
    .getByRole("dialog", { name: `Remove stack ${stack}?` })
    .getByRole("button", { name: "Remove stack" })
    .click();
  await expect(page).toHaveURL(/\/stacks$/);
  await expect(page.getByRole("link", { name: stack, exact: true })).toHaveCount(0, { timeout: 60_000 });
});
