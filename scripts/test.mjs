// npm test: everything, against real things. The type check, lint and format check, then the
// unit and integration suites (Vitest) and the browser suite (Playwright in Debian's Chromium),
// one after the other on one Docker test bed. A missing prerequisite fails the run and names
// itself; nothing is skipped silently.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const isRoot = process.getuid?.() === 0;
const hasApt = existsSync("/usr/bin/apt-get");

// What runs now, so that an interrupted run stops it before taking the test bed down (a child
// that did not share the terminal, such as the stack image's build, would not hear Ctrl-C).
const children = new Set();

/** Runs a command without blocking: its output is inherited, or written to `log` when one is given. */
function runAsync(title, command, args, { env = {}, log } = {}) {
  if (!log) console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const stdio = log ? ["ignore", openSync(log, "w"), openSync(log, "a")] : "inherit";
  const child = spawn(command, args, { stdio, env: { ...process.env, ...env } });
  children.add(child);
  child.once("close", () => children.delete(child));
  return new Promise((resolve) => {
    child.once("error", () => resolve({ ok: false, seconds: 0 }));
    child.once("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      if (!log) console.log(`=== ${title}: ${code === 0 ? "passed" : "FAILED"} in ${seconds} s ===`);
      resolve({ ok: code === 0, seconds });
    });
  });
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

// Each suite also writes a JSON report, so the summary at the end (the part of a long CI log
// that is kept) can name every failed test and the first lines of why.
const reports = ".test-output";
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

// One test bed for both suites: brought up here, taken down at the end if this run started it.
// It comes up beside the check below (engines starting, images loading: mostly waiting, while
// tsc keeps one core busy); its output is printed in one piece once the check is done.
// The suites run one after the other: run at once (each on its own test bed) they saved only
// three minutes of CI's 45 on two cores, and four timing-sensitive tests failed under the load.
const testbedWasUp = spawnSync("bash", ["scripts/testbed", "status"], { stdio: "ignore" }).status === 0;
const testbedLog = `${reports}/testbed-up.log`;
const testbedUp = testbedWasUp
  ? Promise.resolve({ ok: true, seconds: "0" })
  : runAsync("Docker testbed: up", "bash", ["scripts/testbed", "up"], { log: testbedLog });
const takeTestbedDown = () => {
  if (!testbedWasUp && !process.env.TESTBED_KEEP) spawnSync("bash", ["scripts/testbed", "down"], { stdio: "inherit" });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    takeStackImageBuildDown();
    takeTestbedDown();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

function failedVitest() {
  try {
    const report = JSON.parse(readFileSync(`${reports}/vitest.json`, "utf8"));
    const out = [];
    for (const file of report.testResults ?? []) {
      const rel = file.name.replace(`${process.cwd()}/`, "");
      const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
      for (const t of failedTests) out.push(`${rel} › ${t.fullName}: ${whyFailed(t.failureMessages?.[0])}`);
      if (file.status === "failed" && failedTests.length === 0) out.push(`${rel}: ${whyFailed(file.message)}`);
    }
    return out;
  } catch {
    return ["(no Vitest report was written)"];
  }
}

function failedPlaywright() {
  try {
    const report = JSON.parse(readFileSync(`${reports}/playwright.json`, "utf8"));
    const out = [];
    const walk = (suite, trail) => {
      for (const spec of suite.specs ?? []) {
        for (const test of spec.tests ?? []) {
          const last = test.results?.at(-1);
          if (test.status === "unexpected" || test.status === "flaky")
            out.push(
              `${spec.file}:${spec.line} › ${[...trail, spec.title].join(" › ")}: ${whyFailed(last?.error?.message)}`,
            );
        }
      }
      for (const child of suite.suites ?? [])
        walk(child, child.title && !child.title.endsWith(".ts") ? [...trail, child.title] : trail);
    };
    for (const suite of report.suites ?? []) walk(suite, []);
    for (const error of report.errors ?? []) out.push(`(outside a test) ${whyFailed(error.message)}`);
    return out;
  } catch {
    return ["(no Playwright report was written)"];
  }
}

/**
 * The first lines of why a test failed: only the end of a long CI log is kept, so the summary
 * carries enough to act on (the assertion, the locator and what was received), not one line.
 */
function whyFailed(text) {
  // eslint-disable-next-line no-control-regex
  const plain = String(text ?? "").replace(/\u001b\[[0-9;]*m/g, "");
  const lines = plain
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("at "))
    .slice(0, 6);
  return lines.join("\n          ").slice(0, 900);
}

// The image the stack test deploys (scripts/stack.int.test.ts) takes minutes to build, and
// the type check below keeps only one of two cores busy: build it now, beside the check, from
// a clean checkout as the test would. The test waits for it and checks the result itself.
// It is built on the test bed's swarm manager: it starts as soon as the test bed is up.
const stackImageStatus = `${reports}/stack-image.status`;
let stackImageBuild;
const stackImageStarted = testbedUp.then(() => {
  stackImageBuild = spawn(process.execPath, ["--import", "tsx", "scripts/stack-image.ts", stackImageStatus], {
    stdio: ["ignore", openSync(`${reports}/stack-image.log`, "w"), openSync(`${reports}/stack-image.log`, "a")],
    // With Next's type pass on, as a user's `docker build` runs it: it checks the build context
    // (.dockerignore leaves parts of the tree out), which the whole-tree tsc below cannot.
    env: { ...process.env, STEVEDORE_SKIP_BUILD_TYPECHECK: "" },
  });
  stackImageBuild.unref();
});
function takeStackImageBuildDown() {
  if (stackImageBuild && stackImageBuild.exitCode === null && stackImageBuild.signalCode === null)
    stackImageBuild.kill("SIGTERM");
}
// The check below is this run's type check: the browser suite's `next build` does not repeat
// it (next.config.js).
process.env.STEVEDORE_SKIP_BUILD_TYPECHECK = "1";

const results = [];
// Types, lint and format first: a change that does not type-check is not worth 20 minutes of tests.
results.push([
  "check (types, lint, format)",
  (await runAsync("Check: types, lint, format", "npm", ["run", "--silent", "check"])).ok,
  () => [],
]);
if (!testbedWasUp) {
  const { ok, seconds } = await testbedUp;
  console.log(`\n=== Docker testbed: up (beside the check) ===`);
  console.log(readFileSync(testbedLog, "utf8").trimEnd());
  console.log(`=== Docker testbed: up: ${ok ? "passed" : "FAILED"} in ${seconds} s ===`);
}
await stackImageStarted;
process.env.STEVEDORE_STACK_IMAGE_STATUS = stackImageStatus;
process.env.STEVEDORE_STACK_IMAGE_PID = String(stackImageBuild?.pid ?? "");

const vitest = await runAsync(
  "Vitest: unit and integration",
  "npx",
  [
    "--no-install",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${reports}/vitest.json`,
    // Where the time went, per file, hooks included (the JSON report has only the tests').
    "--reporter=./server/testing/timing-reporter.ts",
  ],
  { env: { VITEST_TIMINGS_FILE: `${reports}/vitest-timings.json` } },
);
results.push(["vitest (unit + integration)", vitest.ok, failedVitest]);
const haveBrowser = ensureChromium();
const browser = haveBrowser
  ? await runAsync("Playwright: browser journeys", "npx", ["--no-install", "playwright", "test"], {
      env: { PLAYWRIGHT_JSON_OUTPUT_FILE: `${reports}/playwright.json` },
    })
  : { ok: false };
results.push(["playwright (e2e)", browser.ok, failedPlaywright]);

takeStackImageBuildDown();
takeTestbedDown();

console.log("\nSummary:");
for (const [name, ok, failures] of results) {
  console.log(`  ${ok ? "passed" : "FAILED"}  ${name}`);
  if (!ok) for (const line of failures()) console.log(`      ✗ ${line}`);
}
const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
