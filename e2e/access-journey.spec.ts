import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

const team = "Staging operators";
const olivia = { username: "olivia", displayName: "Olivia Operator", password: "gantry-reefer-stow-5512" };
const oliviaOwnPassword = "bollard-lashing-quay-7730";

test("an operator team bound to staging sees staging only, and no administration", async ({ page, browser }) => {
  // Five steps through four pages and two browsers: more than one action's worth of time.
  test.setTimeout(90_000);
  await test.step("the admin creates a team", async () => {
    await page.goto("/settings/teams");
    await page.getByRole("button", { name: "New team" }).click();
    const dialog = page.getByRole("dialog", { name: "New team" });
    await dialog.getByLabel("Team name").fill(team);
    await dialog.getByLabel("Description").fill("Keep staging running");
    await dialog.getByRole("button", { name: "Create team" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("region", { name: team })).toBeVisible();
  });

  await test.step("the admin adds two environments, saved although nothing answers there", async () => {
    await page.goto("/environments");
    for (const [name, url] of [
      ["prod", "unix:///var/run/none.sock"],
      ["staging", "tcp://127.0.0.1:9"],
    ] as const) {
      await page.getByRole("button", { name: "Add environment" }).click();
      const dialog = page.getByRole("dialog", { name: "Add environment" });
      await dialog.getByLabel("Name").fill(name);
      await dialog.getByLabel("Docker URL").fill(url);
      await dialog.getByRole("button", { name: "Add environment" }).click();
      // Saving tries the connection first and says why it failed, keeping what was typed.
      await expect(dialog.getByRole("alert")).toContainText("Could not connect");
      await expect(dialog.getByLabel("Docker URL")).toHaveValue(url);
      await dialog.getByRole("button", { name: "Save without testing" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole("row").filter({ hasText: url })).toContainText(name);
    }
  });

  await test.step("the admin gives the team Operator on staging only", async () => {
    await page.goto("/settings/access");
    const form = page.getByRole("form", { name: "Give a role" });
    await form.getByLabel("Role").selectOption({ label: "Operator" });
    await form.getByLabel("A team").check();
    await form.getByLabel("Team", { exact: true }).selectOption({ label: team });
    await form.getByLabel("Scope").selectOption({ label: "staging" });
    await form.getByRole("button", { name: "Give role" }).click();
    const binding = page.getByRole("table", { name: "Role bindings" }).getByRole("row").filter({ hasText: team });
    await expect(binding).toContainText("Operator");
    await expect(binding).toContainText("staging");
  });

  await test.step("the admin creates a user and puts them in the team", async () => {
    await page.goto("/settings/users");
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Username").fill(olivia.username);
    await dialog.getByLabel("Display name").fill(olivia.displayName);
    await dialog.getByLabel("Initial password").fill(olivia.password);
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: `@${olivia.username}` })).toBeVisible();

    await page.goto("/settings/teams");
    const card = page.getByRole("region", { name: team });
    await card.getByLabel("Add member").selectOption({ label: `${olivia.displayName} (@${olivia.username})` });
    await card.getByRole("button", { name: "Add", exact: true }).click();
    await expect(card.getByRole("list", { name: `Members of ${team}` })).toContainText(olivia.displayName);
    await expect(card.getByRole("list", { name: `Roles of ${team}` })).toContainText("Operator on staging");
  });

  await test.step("the new user signs in and sees only staging", async () => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const oliviaPage = await context.newPage();
    await signIn(oliviaPage, olivia.username, olivia.password);
    // The admin set her first password: she chooses her own before anything else.
    await expect(oliviaPage.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    await oliviaPage.getByLabel("Current password").fill(olivia.password);
    await oliviaPage.getByLabel("New password", { exact: true }).fill(oliviaOwnPassword);
    await oliviaPage.getByLabel("Confirm new password").fill(oliviaOwnPassword);
    await oliviaPage.getByRole("button", { name: "Change password" }).click();
    await expect(oliviaPage.getByTestId("signed-in-user")).toHaveText(olivia.displayName);
    const nav = oliviaPage.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);

    await nav.getByRole("link", { name: "Environments" }).click();
    const table = oliviaPage.getByRole("table", { name: "Environments" });
    await expect(table.getByRole("cell", { name: "staging", exact: true })).toBeVisible();
    await expect(table.getByRole("cell", { name: "prod", exact: true })).toHaveCount(0);
    await expect(oliviaPage.getByRole("button", { name: "Add environment" })).toHaveCount(0);

    await oliviaPage.goto("/settings/users");
    await expect(oliviaPage.getByRole("heading", { name: "You do not have permission (user.manage)" })).toBeVisible();
    await context.close();
  });
});
