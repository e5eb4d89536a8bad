// The testbed's engines as the benchmark sees them: how Stevedore reaches each one (its URL and
// TLS material) and a unix socket to administer it (create the bench containers).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

export interface Engine {
  /** The testbed's name for the engine: standalone, swarm-mgr, swarm-w1, swarm-w2, tls. */
  name: string;
  /** How Stevedore and the raw measurement reach it: unix:///... or tcp://host:port (TLS). */
  url: string;
  tls?: TlsMaterial;
  /** A unix socket for administration (creating and removing the bench containers). */
  adminSocket: string;
}

/** `scripts/testbed up`: idempotent, a few seconds when it is already up. Throws when it fails. */
export function testbedUp(repoRoot: string): void {
  const run = spawnSync("bash", [path.join(repoRoot, "scripts/testbed"), "up"], {
    cwd: repoRoot,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0) throw new Error(`scripts/testbed up failed (exit ${run.status ?? run.signal ?? "?"})`);
}

/** Reads `scripts/testbed env` (export KEY=VALUE lines, shell-escaped). */
function testbedEnv(repoRoot: string): Map<string, string> {
  const run = spawnSync("bash", [path.join(repoRoot, "scripts/testbed"), "env"], { cwd: repoRoot, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`scripts/testbed env failed: ${run.stderr}`);
  const vars = new Map<string, string>();
  for (const line of run.stdout.split("\n")) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) vars.set(match[1]!, match[2]!.replace(/^'(.*)'$/, "$1").replace(/\\(.)/g, "$1"));
  }
  return vars;
}

/** The five engines, in the order the environment sets use them. */
export function testbedEngines(repoRoot: string): { engines: Engine[]; apiVersion: string } {
  const env = testbedEnv(repoRoot);
  const need = (key: string) => {
    const value = env.get(key);
    if (!value) throw new Error(`scripts/testbed env did not print ${key}`);
    return value;
  };
  const unix = (name: string, key: string): Engine => {
    const socket = need(key);
    return { name, url: `unix://${socket}`, adminSocket: socket };
  };
  const tlsUrl = need("TESTBED_TLS_URL");
  if (!/^tcp:\/\/10\.201\.\d\.\d+:\d+$/.test(tlsUrl)) {
    throw new Error(`The TLS engine is not on the testbed's network (10.201.N.x): ${tlsUrl}`);
  }
  const engines: Engine[] = [
    unix("standalone", "TESTBED_STANDALONE_SOCKET"),
    unix("swarm-mgr", "TESTBED_SWARM_MANAGER_SOCKET"),
    unix("swarm-w1", "TESTBED_SWARM_WORKER1_SOCKET"),
    unix("swarm-w2", "TESTBED_SWARM_WORKER2_SOCKET"),
    {
      name: "tls",
      url: tlsUrl,
      tls: {
        ca: readFileSync(need("TESTBED_TLS_CA"), "utf8"),
        cert: readFileSync(need("TESTBED_TLS_CERT"), "utf8"),
        key: readFileSync(need("TESTBED_TLS_KEY"), "utf8"),
      },
      adminSocket: need("TESTBED_TLS_SOCKET"),
    },
  ];
  return { engines, apiVersion: env.get("TESTBED_DOCKER_API_VERSION") ?? "1.41" };
}
