// Builds Stevedore's image from a clean checkout on the test bed's swarm manager, the build
// scripts/stack.int.test.ts deploys. `npm test` starts this beside the type check, which
// leaves one of the machine's two cores idle, and the stack test then finds the image built
// (tagged with the tree) instead of spending its own minutes on it. Run alone it is the same
// build the test would make.
//
//   tsx scripts/stack-image.ts <status file>
//
// The status file is written last: "built <tag> in N s", or "failed: <why>". Every test that
// builds the image waits for it (STEVEDORE_STACK_IMAGE_STATUS, in loadBaseImages) and builds
// itself after a failure, so the failure is reported by the test that needs the image.
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { buildStevedoreImage, cleanCheckout, loadBaseImages } from "../server/testing/stack";
import { need, parseTestbedEnv } from "../server/testing/testbed-env";

const statusFile = process.argv[2];
if (!statusFile) {
  console.error("usage: tsx scripts/stack-image.ts <status file>");
  process.exit(2);
}

// This is the early build: it waits for no other (npm test names it only after starting it).
delete process.env.STEVEDORE_STACK_IMAGE_STATUS;

const started = Date.now();
let status: string;
try {
  const testbed = parseTestbedEnv(execFileSync("bash", ["scripts/testbed", "env"], { encoding: "utf8" }));
  const manager = { host: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` };
  const checkout = await cleanCheckout();
  try {
    const base = await loadBaseImages(checkout, manager);
    const image = await buildStevedoreImage(checkout, manager, base);
    status = `built ${image} in ${Math.round((Date.now() - started) / 1000)} s`;
  } finally {
    await checkout.remove();
  }
} catch (error) {
  status = `failed: ${error instanceof Error ? error.message : String(error)}`;
}
console.log(`stack image: ${status.split("\n")[0]}`);
await writeFile(statusFile, status);
