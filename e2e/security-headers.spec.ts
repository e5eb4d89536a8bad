// The security headers, as a browser meets them: every kind of answer carries them (pages,
// the API, downloads, errors), another site cannot frame Stevedore, and under the Content
// Security Policy every page still loads and works (the console's terminal included) without
// one violation.
import { expect, test, type Page } from "@playwright/test";
import { authFile, baseURL, signedOut } from "./fixtures";
import { addStandaloneEnvironment, startFixtureContainer } from "./testbed";

const stamp = Date.now();
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let container: Awaited<ReturnType<typeof startFixtureContainer>>;

test.beforeAll(async ({ browser }) => {
  container = await startFixtureContainer(`e2e-csp-${stamp}`);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, `csp-${stamp}`);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
  await container?.remove();
});

/**
 * Every CSP violation the page reports (across navigations), every console message about the
 * policy, and every page error.
 */
async function watchViolations(page: Page): Promise<() => string[]> {
  const messages: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) {
      messages.push(message.text());
    }
  });
  page.on("pageerror", (error) => messages.push(`page error: ${error.message}`));
  await page.exposeFunction("__reportCspViolation", (text: string) => messages.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return () => [...messages];
}

const expected = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

test("every kind of answer carries the security headers", async ({ request }) => {
  const answers = [
    await request.get("/login"),
    await request.get("/api/trpc/system.health"),
    await request.get("/api/trpc/containers.list"), // signed in: data
    await request.get("/api/trpc/no.such.procedure"), // an API error
    await request.get("/healthz"),
    await request.get("/no-such-page"), // Next's 404
    await request.get(`/api/containers/files?environmentId=${environment.id}`), // a refused download
    await request.get("/_next/static/does-not-exist.js"),
  ];
  for (const answer of answers) {
    const headers = answer.headers();
    expect(headers, answer.url()).toMatchObject(expected);
    expect(headers["content-security-policy"], answer.url()).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], answer.url()).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  }
  // A nonce is made per response, never reused.
  const nonce = async () =>
    /'nonce-([^']+)'/.exec((await request.get("/login")).headers()["content-security-policy"]!)![1];
  expect(await nonce()).not.toBe(await nonce());
});

test("another site cannot frame Stevedore", async ({ page }) => {
  const check = await watchViolations(page);
  // A page of no origin of Stevedore's (about:blank, no policy of its own) frames it.
  await page.setContent(`<iframe id="victim" src="${baseURL}/login" width="600" height="400"></iframe>`);
  const frame = page.frameLocator("#victim");
  await expect(frame.getByLabel("Username")).toHaveCount(0);
  // The browser says why: the policy refused the frame.
  await expect.poll(() => check().some((m) => /frame-ancestors|Refused to frame/i.test(m))).toBe(true);
});

test.describe("signed out", () => {
  test.use({ storageState: signedOut });
  test("the sign-in page loads and works under the policy", async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto("/login");
    await expect(page.getByLabel("Username")).toBeVisible();
    await page.getByLabel("Username").fill("nobody-here");
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    expect(violations()).toEqual([]);
  });
});

test("pages load, navigate and run the terminal with no policy violation", async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await watchViolations(page);
  const pages = [
    "/",
    "/containers",
    `/containers/${environment.id}/${container.id}`,
    `/containers/${environment.id}/${container.id}/logs`,
    `/containers/${environment.id}/${container.id}/stats`,
    `/containers/${environment.id}/${container.id}/files`,
    "/containers/new",
    "/environments",
    "/audit",
    "/settings/users",
    "/settings/roles",
    "/profile",
  ];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.getByRole("main")).toBeVisible();
    await page.waitForLoadState("networkidle").catch(() => undefined);
  }
  // Client-side navigation (scripts loaded after the first page) and the theme switch
  // (next-themes' inline script carries the nonce).
  await page.goto("/");
  await page.getByRole("link", { name: "Containers" }).first().click();
  await expect(page).toHaveURL(/\/containers$/);

  // xterm.js: its styles and its renderer under the policy, and the console's websocket.
  await page.goto(`/containers/${environment.id}/${container.id}/console`);
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByTestId("console-status")).toContainText("Connected", { timeout: 15_000 });
  await page.locator(".xterm").click();
  await page.keyboard.type("echo csp-$((40+2))");
  await page.keyboard.press("Enter");
  await expect(page.locator(".xterm-rows")).toContainText("csp-42");
  expect(violations()).toEqual([]);
});
