import { expect, test } from "@playwright/test";
import { generate } from "otplib";
import { admin, mutate, signIn } from "./fixtures";

test("an API token is shown once with a curl example, works, and stops working when revoked", async ({
  page,
  request,
  baseURL,
}) => {
  await page.goto("/profile");
  const tokens = page.getByRole("region", { name: "API tokens" });
  await tokens.getByLabel("Token name").fill("ci-deploy");
  await tokens.getByLabel("Expires in (days)").fill("7");
  await tokens.getByRole("button", { name: "Create token" }).click();

  const token = (await tokens.getByTestId("new-token").textContent()) ?? "";
  expect(token).toMatch(/^sdt_/);
  await expect(tokens.getByText(`curl -H "Authorization: Bearer ${token}" ${baseURL}/api/trpc/auth.me`)).toBeVisible();

  const me = await request.get("/api/trpc/auth.me", { headers: { authorization: `Bearer ${token}` } });
  expect(((await me.json()) as { result: { data: { username: string } } }).result.data.username).toBe(admin.username);

  await tokens.getByRole("button", { name: "Done" }).click();
  await expect(tokens.getByTestId("new-token")).toHaveCount(0);
  const row = tokens.getByRole("row").filter({ hasText: "ci-deploy" });
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Revoke ci-deploy" }).click();
  await page.getByRole("dialog", { name: "Revoke ci-deploy?" }).getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");

  const refused = await request.get("/api/trpc/auth.me", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test("two-factor: enrol with the QR key, then sign-in asks for a code and takes a recovery code", async ({
  browser,
  request,
}) => {
  const user = { username: "tess", displayName: "Tess Twofactor", password: "winch-hawser-quay-3391" };
  await mutate(request, "users.create", user);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, user.username, user.password);
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.displayName);

  await page.goto("/profile");
  const twoFactor = page.getByRole("region", { name: "Two-factor sign-in" });
  await twoFactor.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(twoFactor.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await twoFactor.getByTestId("totp-secret").textContent()) ?? "";
  await twoFactor.getByLabel("Code from the app").fill(await generate({ secret }));
  await twoFactor.getByRole("button", { name: "Turn on" }).click();

  const codes = twoFactor.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCode = (await codes.first().textContent()) ?? "";
  await twoFactor.getByRole("button", { name: "I have saved them" }).click();
  await expect(twoFactor.getByRole("button", { name: "Turn off two-factor sign-in" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, user.username, user.password);
  await page.getByLabel("Two-factor code").fill(recoveryCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();

  await page.goto("/profile");
  const password = page.getByRole("region", { name: "Password" });
  await password.getByLabel("Current password").fill(user.password);
  // The rule is checked in the browser as it is typed, and says what is wrong under the field.
  const fresh = password.getByLabel("New password", { exact: true });
  await fresh.fill("short");
  await password.getByLabel("Confirm new password").fill("short");
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(fresh).toHaveAccessibleDescription(/Use at least 12 characters\./);
  await expect(password.getByLabel("Current password")).toHaveValue(user.password);
  await fresh.fill(`${user.username}-and-more`);
  await expect(fresh).toHaveAccessibleDescription(/must not contain the username/);
  await fresh.fill("a long enough phrase");
  await expect(fresh).not.toHaveAccessibleDescription(/Use at least|must not/);
  await expect(password.getByText("✓ Meets the rule")).toBeVisible();
  await expect(password.getByLabel("Confirm new password")).toHaveAccessibleDescription(/The two passwords differ/);
  await context.close();
});
