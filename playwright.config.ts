import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";
import { authFile, baseURL, dataDir, port } from "./e2e/fixtures";
import { parseTestbedEnv } from "./server/testing/testbed-env";

// The test bed's endpoints (TESTBED_INSTANCE picks another one): the tests and the server
// below read them from the environment, and Playwright's workers inherit it.
const testbed = parseTestbedEnv(execFileSync("bash", ["scripts/testbed", "env"], { encoding: "utf8" }));
for (const [name, value] of Object.entries(testbed)) process.env[name] ??= value;

// Debian's Chromium: browsers cannot be downloaded on the machines this runs on.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const browser = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: chromium,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // A page's data on a 2-core machine that is also running the engines, the database and the
  // integration suite (npm test runs both at once; a swarm test creating overlay networks keeps
  // both cores busy for tens of seconds) can take longer than Playwright's 5 s default to arrive:
  // the conditions are the same, only the patience is a real user's on such a machine.
  expect: { timeout: 30_000 },
  timeout: 120_000,
  // The JSON report (when scripts/test.mjs asks for it) lets the run's summary name each failure.
  reporter: [
    ["list"],
    ...(process.env.CI ? [] : [["html", { open: "never" }] as const]),
    ...(process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ? [["json"] as const] : []),
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // The first start's setup, through the UI, then one saved sign-in per role (e2e/.auth/).
    { name: "setup", testMatch: /.*\.setup\.ts/, use: browser },
    {
      name: "chromium",
      dependencies: ["setup"],
      // Signed in as the administrator unless a test says otherwise.
      use: { ...browser, storageState: authFile("admin") },
    },
  ],
  webServer: {
    // The production build on a fresh database, as a user runs it: E2E_DATABASE_URL when set
    // (never DATABASE_URL, which other suites empty), else a new embedded one.
    command: `rm -rf ${dataDir} && npm start`,
    url: `${baseURL}/healthz`,
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      STEVEDORE_DATA_DIR: dataDir,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
      // The "local engine" offered on a first start: the testbed's TLS engine, on its own socket.
      STEVEDORE_LOCAL_SOCKET: process.env.TESTBED_TLS_SOCKET ?? "/tmp/stevedore-testbed/tls.sock",
    },
    // The first start builds the production bundle (minutes on a loaded 2-core machine), then warms up.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
