// An administrator sees and revokes anyone's API tokens from the users page, and lifts the
// sign-in slow-down a stranger's guesses put on an account (issue #11 items 6 and 8).
import { expect, test } from "@playwright/test";
import { baseURL, mutate } from "./fixtures";

const toby = { username: "toby", displayName: "Toby Tokens", password: "winch-hawser-cleat-3307" };

test("an administrator revokes another user's API token, and lifts a sign-in slow-down", async ({
  page,
  playwright,
}) => {
  const token = await test.step("toby exists and made a token", async () => {
    await mutate(page.request, "users.create", toby);
    const asToby = await playwright.request.newContext({ baseURL });
    await mutate(asToby, "auth.login", { username: toby.username, password: toby.password });
    const { token } = await mutate<{ token: string }>(asToby, "tokens.create", { name: "toby-ci", expiresInDays: 7 });
    await asToby.dispose();
    return token;
  });
  const asScript = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  expect((await asScript.get("/api/trpc/auth.me")).status()).toBe(200);

  await test.step("the admin revokes it from the users page", async () => {
    await page.goto("/settings/users");
    await page.getByRole("button", { name: `API tokens of ${toby.username}` }).click();
    const dialog = page.getByRole("dialog", { name: `API tokens of ${toby.username}` });
    await expect(dialog.getByRole("row").filter({ hasText: "toby-ci" })).toContainText("Active");
    await dialog.getByRole("button", { name: "Revoke toby-ci" }).click();
    await dialog.getByRole("button", { name: "Revoke now" }).click();
    await expect(dialog.getByRole("row").filter({ hasText: "toby-ci" })).toContainText("Revoked");
    expect((await asScript.get("/api/trpc/auth.me")).status()).toBe(401);
  });

  await test.step("a stranger's guesses slow toby's sign-in from new browsers; the admin lifts it", async () => {
    const stranger = await playwright.request.newContext({ baseURL });
    let slowed = false;
    for (let i = 0; i < 30 && !slowed; i++) {
      const res = await stranger.post("/api/trpc/auth.login", {
        data: { username: toby.username, password: `guess ${i}` },
        headers: { origin: baseURL },
      });
      slowed = res.status() === 429;
    }
    await stranger.dispose();
    expect(slowed).toBe(true);
    await page.goto("/settings/users");
    await page.getByRole("button", { name: "Lift sign-in slow-down" }).click();
    await expect(page.getByRole("button", { name: "Lift sign-in slow-down" })).toBeHidden();
    const fresh = await playwright.request.newContext({ baseURL });
    const res = await fresh.post("/api/trpc/auth.login", {
      data: { username: toby.username, password: toby.password },
      headers: { origin: baseURL },
    });
    expect(res.status()).toBe(200);
    await fresh.dispose();
  });
  await asScript.dispose();
});
