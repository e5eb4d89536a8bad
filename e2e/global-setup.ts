// The container and console journeys run against the project's Docker testbed: bring it up
// when it is not (npm test has usually done so already; this serves `npm run test:e2e`).
import { spawnSync } from "node:child_process";

export default function globalSetup(): void {
  if (spawnSync("bash", ["scripts/testbed", "status"], { stdio: "ignore" }).status === 0) return;
  const up = spawnSync("bash", ["scripts/testbed", "up"], { stdio: "inherit" });
  if (up.status !== 0) {
    throw new Error("The Docker testbed did not come up (see above); the container journeys need it.");
  }
}
