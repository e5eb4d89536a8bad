// Adding the test bed's SSH-reached engine through the form, as an administrator would: the
// private key is pasted, Stevedore connects and shows the host's key fingerprint before
// trusting it; once added, the pinned fingerprint shows with the environment and the engine's
// containers are listed over SSH.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { mutate, query } from "./fixtures";
import { startFixtureContainer } from "./testbed";

const SSH_URL = process.env.TESTBED_SSH_URL ?? "ssh://root@10.201.0.10:22";
const SSH_KEY = process.env.TESTBED_SSH_KEY ?? "/tmp/stevedore-testbed/ssh/client_ed25519";
const HOST_KEY = process.env.TESTBED_SSH_HOST_KEY ?? "/tmp/stevedore-testbed/ssh/host_ed25519.pub";

/** What `ssh-keygen -lf host_ed25519.pub` prints as the fingerprint. */
function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1]!, "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

test("an administrator adds an ssh:// engine, checks its host key, and sees its containers", async ({ page }) => {
  const name = `ssh-form-${Date.now()}`;
  const fingerprint = fingerprintOf(readFileSync(HOST_KEY, "utf8"));
  const containerName = `e2e-ssh-${Date.now()}`;
  const container = await startFixtureContainer(containerName);
  let environmentId: string | undefined;
  try {
    await page.goto("/environments");
    await page.getByRole("button", { name: "Add environment" }).click();
    const dialog = page.getByRole("dialog", { name: "Add environment" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Docker URL").fill(SSH_URL);
    await dialog.getByLabel("Private key", { exact: true }).fill(readFileSync(SSH_KEY, "utf8"));

    // First the host shows its key; nothing is saved until it is trusted.
    await dialog.getByRole("button", { name: "Add environment" }).click();
    const hostKey = dialog.getByRole("group", { name: "Host key" });
    await expect(hostKey).toContainText("ED25519", { timeout: 20_000 });
    await expect(hostKey.getByTestId("host-key-fingerprint")).toHaveText(fingerprint);
    expect((await query<{ name: string }[]>(page.request, "environments.list")).some((e) => e.name === name)).toBe(
      false,
    );
    await dialog.getByRole("button", { name: "Trust this key and add" }).click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });

    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText(`host key ED25519 ${fingerprint}`);
    await expect(row).toContainText("ssh key");
    const saved = (await query<{ id: string; name: string }[]>(page.request, "environments.list")).find(
      (e) => e.name === name,
    );
    environmentId = saved?.id;
    expect(JSON.stringify(saved)).not.toContain("PRIVATE KEY");

    // Its containers, read over SSH, in the fleet-wide list.
    await page.goto(`/containers?q=${encodeURIComponent(containerName)}`);
    const listed = page.getByRole("row").filter({ hasText: containerName }).filter({ hasText: name });
    await expect(listed).toHaveCount(1, { timeout: 30_000 });
    await expect(listed).toContainText("running");
  } finally {
    if (environmentId) await mutate(page.request, "environments.remove", { environmentId });
    await container.remove();
  }
});
