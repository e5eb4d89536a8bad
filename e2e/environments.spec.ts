// Adding the testbed's TLS engine through the form, as an administrator would: a first try
// without the certificates fails and says why; with the CA, client certificate and key
// (two loaded from files, one pasted) it connects, shows on Home with its counts, and a
// container started from the docker CLI shows up on the card and in the list without a reload.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectStatusChangeInTheGapShown, mutate, query } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const TLS_URL = process.env.TESTBED_TLS_URL ?? "tcp://10.201.0.20:2376";
const TLS_SOCKET = process.env.TESTBED_TLS_SOCKET ?? "/tmp/stevedore-testbed/tls.sock";
const certs = process.env.TESTBED_DIR ? `${process.env.TESTBED_DIR}/certs` : "/tmp/stevedore-testbed/certs";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";

/** The docker CLI, on the TLS engine's own socket: a change made outside Stevedore. */
const docker = (...args: string[]) =>
  execFileSync("docker", ["-H", `unix://${TLS_SOCKET}`, ...args], { encoding: "utf8" });

test("an administrator adds the TLS engine through the form and watches a CLI-started container arrive", async ({
  page,
}) => {
  const name = `tls-form-${Date.now()}`;
  const containerName = `e2e-cli-${Date.now()}`;
  let environmentId: string | undefined;
  try {
    await page.goto("/environments");
    await page.getByRole("button", { name: "Add environment" }).click();
    const dialog = page.getByRole("dialog", { name: "Add environment" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Group").fill("e2e-lab");
    await dialog.getByLabel("Tags").fill("tls, e2e");
    await dialog.getByLabel("Docker URL").fill(TLS_URL);

    // Without its certificates the engine refuses: the form says so and keeps what was typed.
    await dialog.getByRole("button", { name: "Add environment" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Could not connect");
    await expect(dialog.getByLabel("Name")).toHaveValue(name);

    await dialog.getByLabel("Connect with TLS and a client certificate").check();
    // Changing the connection makes the banner stale: it goes, and what was typed stays.
    await expect(dialog.getByRole("alert")).toBeHidden();
    await expect(dialog.getByLabel("Name")).toHaveValue(name);
    await dialog.getByLabel("CA certificate file").setInputFiles(`${certs}/ca.pem`);
    await expect(dialog.getByLabel("CA certificate", { exact: true })).toHaveValue(/BEGIN CERTIFICATE/);
    await dialog
      .getByLabel("Client certificate", { exact: true })
      .fill(readFileSync(`${certs}/client-cert.pem`, "utf8"));
    await dialog.getByLabel("Client key file").setInputFiles(`${certs}/client-key.pem`);
    await dialog.getByRole("button", { name: "Add environment" }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });

    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText("TLS");
    await expect(row).toContainText("e2e-lab");
    const environments = await query<{ id: string; name: string; tls: { key: boolean } }[]>(
      page.request,
      "environments.list",
    );
    const saved = environments.find((e) => e.name === name);
    environmentId = saved?.id;
    expect(saved?.tls.key).toBe(true);
    // The key went in; it never comes back out.
    expect(JSON.stringify(saved)).not.toContain("PRIVATE KEY");

    // Home: the card, under its group, up, with the engine's counts.
    await page.goto("/");
    const group = page.getByRole("region", { name: "e2e-lab" });
    const card = group.getByRole("article", { name });
    await expect(card.getByText("up", { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(card.getByRole("list", { name: "Tags" })).toContainText("tls");
    const running = card.locator("dt", { hasText: "Running" }).locator("xpath=following-sibling::dd");
    await expect(running).toHaveText(/^\d+$/);
    const before = Number(await running.textContent());

    // A container started from the CLI: the card's count moves without a reload…
    docker("run", "-d", "--name", containerName, "--label", "stevedore.test=e2e", FIXTURE_IMAGE, "sleep", "600");
    await expect(running).toHaveText(String(before + 1), { timeout: 5_000 });

    // …and the card leads to that environment's containers, where it is listed.
    await card.getByRole("link", { name }).click();
    await expect(page).toHaveURL(/\/containers\?env=/);
    await expect(page.getByRole("row").filter({ hasText: containerName })).toBeVisible();
  } finally {
    try {
      docker("rm", "-f", containerName);
    } catch {
      /* it may never have started */
    }
    if (environmentId) await mutate(page.request, "environments.remove", { environmentId });
  }
});

test("an administrator edits an environment's group and tags", async ({ page }) => {
  const name = `edit-env-${Date.now()}`;
  const env = await mutate<{ id: string }>(page.request, "environments.create", {
    name,
    url: "unix:///tmp/no-such-engine.sock",
    skipTest: true,
  });
  try {
    await page.goto("/environments");
    await page.getByRole("button", { name: `Edit ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ${name}` });
    await dialog.getByLabel("Group").fill("edited-group");
    await dialog.getByLabel("Tags").fill("alpha, beta, alpha");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText("edited-group");
    await expect(row).toContainText("alpha");
    await expect(row).toContainText("beta");
  } finally {
    await mutate(page.request, "environments.remove", { environmentId: env.id });
  }
});

test("the local engine's socket is offered as an environment, once", async ({ page }) => {
  await page.goto("/environments");
  const offer = page.getByRole("region", { name: "Local Docker engine" });
  await expect(offer).toContainText(`unix://${TLS_SOCKET}`);
  await offer.getByRole("button", { name: "Add “local”" }).click();
  const row = page.getByRole("row").filter({ hasText: `unix://${TLS_SOCKET}` });
  await expect(row).toContainText("local");
  await expect(offer).toBeHidden();
  const environments = await query<{ id: string; url: string }[]>(page.request, "environments.list");
  const local = environments.find((e) => e.url === `unix://${TLS_SOCKET}`);
  expect(local).toBeDefined();
  await mutate(page.request, "environments.remove", { environmentId: local!.id });
  await page.reload();
  await expect(page.getByRole("region", { name: "Local Docker engine" })).toBeVisible();
});

test("a status change between the Environments page's first read and its live feed's start shows at the start", async ({
  page,
}) => {
  await expectStatusChangeInTheGapShown(page, "/environments", (name) =>
    page.getByRole("row").filter({ hasText: name }),
  );
});

test("an environment added while the containers page is open shows there by its name, not its id", async ({ page }) => {
  const stamp = Date.now();
  const container = await startFixtureContainer(`e2e-boxed-${stamp}`);
  let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>> | undefined;
  try {
    await page.goto(`/containers?q=e2e-boxed-${stamp}`);
    // Listed (a table, or "No containers" when this is the first environment) and live.
    await expect(
      page.getByRole("heading", { name: "No containers" }).or(page.getByRole("table", { name: "Containers" })),
    ).toBeVisible();
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    // Added by someone else (here the API) while the page and its feed are open: the page hears
    // of an environment it did not read, reads the environments again, and names its rows.
    environment = await addStandaloneEnvironment(page.request, `late-${stamp}`);
    const rows = page.getByRole("row").filter({ hasText: `e2e-boxed-${stamp}` });
    await expect(rows.filter({ hasText: `late-${stamp}` })).toHaveCount(1);
    await expect(rows.filter({ hasText: environment.id })).toHaveCount(0);
  } finally {
    await environment?.remove(page.request);
    await container.remove();
  }
});
