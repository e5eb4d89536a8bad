// npm test: everything, against real things. The type check, lint and format check, then the
// unit and integration suites (Vitest; the
// integration suite brings the Docker testbed up itself), then the browser suite
// (Playwright in Debian's Chromium). A missing prerequisite fails the run and names
// itself; nothing is skipped silently.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const isRoot = process.getuid?.() === 0;
const hasApt = existsSync("/usr/bin/apt-get");

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`=== ${title}: ${result.status === 0 ? "passed" : "FAILED"} in ${seconds} s ===`);
  return result.status === 0;
}

function ensureChromium() {
  if (existsSync(chromium)) return true;
  if (!isRoot || !hasApt) {
    console.error(
      `Missing: Chromium at ${chromium} for the browser tests. Install Debian's chromium package ` +
        `(apt-get install chromium, as root) or set CHROMIUM_PATH to a Chromium binary.`,
    );
    return false;
  }
  console.log("Installing Debian's chromium for the browser tests…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = spawnSync(
    "apt-get",
    ["install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core"],
    {
      stdio: "inherit",
      env,
    },
  );
  return install.status === 0 && existsSync(chromium);
}

// One testbed for both suites: brought up here, taken down at the end if this run started it.
const testbedWasUp = spawnSync("bash", ["scripts/testbed", "status"], { stdio: "ignore" }).status === 0;
if (!testbedWasUp) run("Docker testbed: up", "bash", ["scripts/testbed", "up"]);
const takeTestbedDown = () => {
  if (!testbedWasUp && !process.env.TESTBED_KEEP) spawnSync("bash", ["scripts/testbed", "down"], { stdio: "inherit" });
};
process.on("SIGINT", () => {
  takeTestbedDown();
  process.exit(130);
});

const results = [];
// Types, lint and format first: a change that does not type-check is not worth 20 minutes of tests.
results.push(["check (types, lint, format)", run("Check: types, lint, format", "npm", ["run", "--silent", "check"])]);
results.push([
  "vitest (unit + integration)",
  run("Vitest: unit and integration", "npx", ["--no-install", "vitest", "run"]),
]);
const haveBrowser = ensureChromium();
results.push([
  "playwright (e2e)",
  haveBrowser && run("Playwright: browser journeys", "npx", ["--no-install", "playwright", "test"]),
]);

takeTestbedDown();

console.log("\nSummary:");
for (const [name, ok] of results) console.log(`  ${ok ? "passed" : "FAILED"}  ${name}`);
const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
