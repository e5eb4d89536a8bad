// "Must change password" (issue #18 item 10): an administrator creates a user who must choose
// a new password at first sign-in. Signed in, that user sees only the change-password page, and
// the API refuses everything else for that session, with what to do; after the change, Stevedore
// opens as usual. A reset by an administrator asks again.
import { expect, test } from "@playwright/test";
import { baseURL, mutate, signedOut, signIn } from "./fixtures";

const stamp = Date.now().toString(36);
const newcomer = { username: `newcomer-${stamp}`, displayName: "Nora Newcomer", first: "given-by-the-admin-4411" };
const own = "my-own-harbour-pilot-8823";

test("a new user chooses a new password before anything else; the API refuses until then", async ({
  page,
  browser,
}) => {
  // The administrator creates the account: asking for a new password is the default.
  await page.goto("/settings/users");
  await page.getByRole("button", { name: "New user" }).click();
  const dialog = page.getByRole("dialog", { name: "New user" });
  await dialog.getByLabel("Username").fill(newcomer.username);
  await dialog.getByLabel("Display name").fill(newcomer.displayName);
  // The rule is checked as it is typed once the field was left, under the field.
  const initial = dialog.getByLabel("Initial password");
  await initial.fill("too short");
  await initial.blur();
  await expect(initial).toHaveAccessibleDescription(/Use at least 12 characters\./);
  await initial.fill(`${newcomer.username} forever`);
  await expect(initial).toHaveAccessibleDescription(/must not contain the username/);
  await initial.fill(newcomer.first);
  await expect(initial).not.toHaveAccessibleDescription(/Use at least|must not/);
  await expect(dialog.getByLabel("Ask for a new password at first sign-in")).toBeChecked();
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: `@${newcomer.username}` });
  await expect(row.getByText("Password due")).toBeVisible();

  const context = await browser.newContext({ storageState: signedOut });
  const user = await context.newPage();
  await signIn(user, newcomer.username, newcomer.first);
  await expect(user).toHaveURL(/\/change-password$/);
  await expect(user.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  // Every other page leads back here.
  await user.goto("/containers");
  await expect(user).toHaveURL(/\/change-password$/);

  // The API says the same to this session, for queries and mutations alike.
  const list = await user.request.get("/api/trpc/tokens.list");
  expect(list.status()).toBe(403);
  expect(await list.text()).toContain("Choose a new password first");
  const token = await user.request.post("/api/trpc/tokens.create", {
    data: { name: "around-it", expiresInDays: 1 },
    headers: { origin: baseURL },
  });
  expect(token.status()).toBe(403);
  const me = await user.request.get("/api/trpc/auth.me");
  expect(
    ((await me.json()) as { result: { data: { mustChangePassword: boolean } } }).result.data.mustChangePassword,
  ).toBe(true);

  // A wrong current password is said under its field; then the change, and Home opens.
  await user.getByLabel("Current password").fill("not-the-one-given-0000");
  await user.getByLabel("New password", { exact: true }).fill(own);
  await user.getByLabel("Confirm new password").fill(own);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user.getByText("The current password is wrong.")).toBeVisible();
  await user.getByLabel("Current password").fill(newcomer.first);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  // The same call as before (no role yet: answered, with nothing in it), now without the refusal.
  const after = await user.request.get("/api/trpc/tokens.list");
  expect(after.status()).toBe(200);
  await user.goto("/change-password");
  await expect(user).toHaveURL(/\/$/);

  // The administrator sees it done, and the record has the change.
  await page.reload();
  await expect(row.getByText("Active")).toBeVisible();
  const events = await page.request.get(
    `/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ action: "auth.changePassword", limit: 10 }))}`,
  );
  expect(await events.text()).toContain(newcomer.username);
  await context.close();
});

test("at 390 pixels and in the dark theme the page reads well", async ({ browser }) => {
  const username = `phone-newcomer-${stamp}`;
  const admin = await browser.newContext();
  await mutate(admin.request, "users.create", { username, password: newcomer.first, mustChangePassword: true });
  await admin.close();
  for (const colorScheme of ["light", "dark"] as const) {
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ storageState: signedOut, viewport, colorScheme });
      const user = await context.newPage();
      await signIn(user, username, newcomer.first);
      await expect(user.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
      expect(
        await user.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
      ).toBe(0);
      await user.screenshot({ path: test.info().outputPath(`change-password-${viewport.width}-${colorScheme}.png`) });
      await context.close();
    }
  }
});
