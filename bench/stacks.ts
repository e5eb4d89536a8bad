// bench/stacks: deploying a 5-service stack through Stevedore against `docker stack deploy` of the
// same file, on the test bed's swarm, in the same run.
//
//   npm run bench:stacks                 3 rounds each side, interleaved
//   npm run bench:stacks -- --rounds 5
//
// Each round deploys the file under a fresh stack name, once through Stevedore's API
// (stacks.deploy over HTTP, as a script or the page sends it) and once with the docker CLI, and
// times from the submit until every task of the stack runs (the same waiter for both: the
// manager's task list, polled every 100 ms). The stack is removed (docker stack rm) and gone
// before the next one. Figures: medians, and the ratio Stevedore / CLI (target <= 1.0): the
// median of each round's own ratio (its two deploys run back to back).
// The last lines are `RESULT <figure> <value>`.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import Docker from "dockerode";
import { round, summarize } from "./support/stats";
import {
  killActiveServersNow,
  preferredMode,
  setUpAdmin,
  sleep,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";
import { testbedEngines, testbedUp } from "./support/testbed";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds needs a whole number above 0");
const SERVICES = 5;
const IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const log = (line: string) => console.log(line);

const composeFile = `version: "3.8"
services:
${Array.from(
  { length: SERVICES },
  (_, i) => `  svc${i}:
    image: ${IMAGE}
    command: ["sleep", "3600"]
    deploy:
      replicas: 1
      restart_policy: { condition: none }
    stop_grace_period: 1s
`,
).join("")}`;

async function tasksRunning(docker: Docker, stack: string): Promise<number> {
  const tasks = (await docker.listTasks({
    filters: { label: [`com.docker.stack.namespace=${stack}`], "desired-state": ["running"] },
  })) as { Status?: { State?: string } }[];
  return tasks.filter((t) => t.Status?.State === "running").length;
}

async function untilRunning(docker: Docker, stack: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while ((await tasksRunning(docker, stack)) < SERVICES) {
    if (Date.now() > deadline) throw new Error(`${stack}: not all tasks running after 180 s`);
    await sleep(100);
  }
}

async function removeStack(socket: string, docker: Docker, stack: string): Promise<void> {
  await run("docker", ["-H", `unix://${socket}`, "stack", "rm", stack]).catch(() => undefined);
  const deadline = Date.now() + 120_000;
  const label = { label: [`com.docker.stack.namespace=${stack}`] };
  while (
    (await docker.listServices({ filters: label })).length ||
    (await docker.listNetworks({ filters: label })).length
  ) {
    if (Date.now() > deadline) throw new Error(`${stack}: not removed after 120 s`);
    await sleep(200);
    await docker.listNetworks({ filters: label }).then((nets) =>
      Promise.all(
        nets.map((n) =>
          docker
            .getNetwork(n.Id)
            .remove()
            .catch(() => undefined),
        ),
      ),
    );
  }
}

async function main() {
  testbedUp(repoRoot);
  const manager = testbedEngines(repoRoot).engines.find((e) => e.name === "swarm-mgr")!;
  const socket = manager.adminSocket;
  const docker = new Docker({ socketPath: socket, version: "v1.41" });
  const folder = mkdtempSync(path.join(os.tmpdir(), "stevedore-bench-stacks-"));
  const file = path.join(folder, "docker-compose.yml");
  writeFileSync(file, composeFile);

  const server = await StevedoreServer.start({ repoRoot, mode: preferredMode(repoRoot), watch: true, log });
  let api: StevedoreApi | undefined;
  try {
    api = (await setUpAdmin(server)).api;
    const { id: environmentId } = await api.mutate<{ id: string }>("environments.create", {
      name: "swarm-mgr",
      url: manager.url,
    });
    for (let i = 0; ; i++) {
      const list = await api.query<{ clusters: { environmentId: string }[] }>("stacks.list");
      if (list.clusters.some((c) => c.environmentId === environmentId)) break;
      if (i > 300) throw new Error("Stevedore never saw the manager as a swarm manager");
      await sleep(100);
    }

    const stevedore: number[] = [];
    const cli: number[] = [];
    const tag = Date.now() % 100_000;
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side goes first, so neither always gets the warmer engine.
      const sides = r % 2 === 0 ? (["stevedore", "cli"] as const) : (["cli", "stevedore"] as const);
      for (const side of sides) {
        const stack = `bench${tag}${side === "cli" ? "c" : "s"}${r}`;
        const started = performance.now();
        if (side === "stevedore") {
          await api.mutate("stacks.deploy", { environmentId, name: stack, composeFile });
        } else {
          await run("docker", ["-H", `unix://${socket}`, "stack", "deploy", "-c", file, stack]);
        }
        await untilRunning(docker, stack);
        const ms = performance.now() - started;
        (side === "stevedore" ? stevedore : cli).push(ms);
        log(`round ${r + 1} ${side}: ${Math.round(ms)} ms to ${SERVICES} tasks running`);
        await removeStack(socket, docker, stack);
      }
    }
    const s = summarize(stevedore);
    const c = summarize(cli);
    log(`RESULT stack.deploy.5svc.ms ${round(s.median, 0)}`);
    log(`RESULT stack.deploy.5svc.cli.ms ${round(c.median, 0)}`);
    // Each round's two deploys run back to back, so a load that drifts over the run (the
    // rounds here ranged 6.6-26 s on a busy machine) moves both: the median of the rounds'
    // own ratios is the figure; the ratio of the two medians is printed beside it.
    const paired = summarize(stevedore.map((ms, r) => ms / cli[r]!));
    log(`ratios by round: ${stevedore.map((ms, r) => round(ms / cli[r]!, 2)).join(", ")}`);
    log(`RESULT stack.deploy.ratio.of_medians ${round(s.median / c.median, 2)}`);
    log(`RESULT stack.deploy.ratio ${round(paired.median, 2)}`);
  } finally {
    api?.close();
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => {
  killActiveServersNow();
  process.exit(130);
});

main().catch((error: unknown) => {
  console.error(error);
  killActiveServersNow();
  process.exit(1);
});
