// Integration tests run against real Docker engines: bring the project's testbed up (it
// installs Debian's docker.io and friends where it can), hand its endpoints to the tests,
// and take it down afterwards if this run started it. When the testbed cannot come up the
// run fails and says why; it never passes without engines.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { parseTestbedEnv, type TestbedEnv } from "./testbed-env";

declare module "vitest" {
  export interface ProvidedContext {
    testbed: TestbedEnv;
  }
}

const script = path.resolve(import.meta.dirname, "../../scripts/testbed");

export default function setup(project: TestProject) {
  const wasUp = spawnSync("bash", [script, "status"], { stdio: "ignore" }).status === 0;
  if (!wasUp) {
    console.log("integration: starting the Docker testbed (scripts/testbed up)…");
    const up = spawnSync("bash", [script, "up"], { stdio: "inherit" });
    if (up.status !== 0) {
      throw new Error(
        "The Docker testbed did not come up (see its output above). Integration tests need it: " +
          "run as root on Debian with apt, or start it yourself with `scripts/testbed up`.",
      );
    }
  }
  const env = parseTestbedEnv(execFileSync("bash", [script, "env"], { encoding: "utf8" }));
  project.provide("testbed", env);
  return () => {
    if (!wasUp && !process.env.TESTBED_KEEP) {
      spawnSync("bash", [script, "down"], { stdio: "inherit" });
    }
  };
}
