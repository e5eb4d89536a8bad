// The real Dockerfile and docker-compose.yml, built and deployed on a test bed engine from a
// clean checkout of HEAD, as a user on a swarm manager would. Nothing can be pulled here:
// scripts/images makes the base images from this machine's own Node.js and PostgreSQL, and
// an npm cache in the build context lets `npm ci --offline` work without the registry.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export interface Engine {
  /** unix:///... of the engine (the test bed's swarm manager). */
  host: string;
}

/** The docker CLI against one engine only, never the machine's own (DOCKER_HOST and contexts ignored). */
export function dockerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_API_VERSION: "1.41", ...extra };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_TLS_VERIFY;
  return env;
}

export async function docker(engine: Engine, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000) {
  const { stdout } = await run("docker", ["-H", engine.host, ...args], {
    env: dockerEnv(env),
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
  });
  return stdout.trim();
}

/** Both of a command's streams, as a terminal shows them (`docker service logs` sends a task's stderr to stderr). */
export async function dockerOutput(engine: Engine, args: string[]): Promise<string> {
  const { stdout, stderr } = await run("docker", ["-H", engine.host, ...args], {
    env: dockerEnv(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return `${stdout}${stderr}`;
}

/** Runs a long command, its output kept in a log file; on failure the error carries the log's tail. */
function runLogged(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; log: string }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const chunks: Buffer[] = [];
    const keep = (chunk: Buffer) => {
      chunks.push(chunk);
      tail = (tail + chunk.toString()).slice(-6000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code) => {
      void writeFile(options.log, Buffer.concat(chunks)).finally(() =>
        code === 0
          ? resolve()
          : reject(new Error(`${command} ${args.join(" ")} failed (${code}); log ${options.log}:\n${tail}`)),
      );
    });
  });
}

export interface Checkout {
  dir: string;
  commit: string;
  /** The commit's tree: the same tree builds the same image. */
  tree: string;
  remove(): Promise<void>;
}

/** A clean checkout of HEAD: what is committed, nothing else (no node_modules, no build). */
export async function cleanCheckout(): Promise<Checkout> {
  const git = async (args: string[], cwd = root) => (await run("git", args, { cwd })).stdout.trim();
  const commit = await git(["rev-parse", "HEAD"]);
  const tree = await git(["rev-parse", "HEAD^{tree}"]);
  const parent = await mkdtemp(path.join(os.tmpdir(), "stevedore-checkout-"));
  const dir = path.join(parent, "stevedore");
  await git(["clone", "--quiet", "--no-checkout", root, dir]);
  await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", commit], dir);
  return { dir, commit, tree, remove: () => rm(parent, { recursive: true, force: true }) };
}

export interface BaseImages {
  nodeImage: string;
  postgresImage: string;
  haproxyImage: string;
}

/**
 * scripts/images load: the offline Node.js and Postgres images, imported once per engine. The
 * first step toward the image of every test that builds it: it waits for `npm test`'s early
 * build first (which loads these too), so no test loads or builds beside it.
 */
export async function loadBaseImages(checkout: Checkout, engine: Engine): Promise<BaseImages> {
  await awaitEarlyImageBuild();
  const { stdout } = await run("bash", [path.join(checkout.dir, "scripts/images"), "load", "-H", engine.host], {
    env: dockerEnv(),
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  const value = (name: string) => {
    const match = new RegExp(`^${name}=(\\S+)$`, "m").exec(stdout);
    if (!match?.[1]) throw new Error(`scripts/images load printed no ${name}:\n${stdout}`);
    return match[1];
  };
  return {
    nodeImage: value("NODE_IMAGE"),
    postgresImage: value("POSTGRES_IMAGE"),
    haproxyImage: value("HAPROXY_IMAGE"),
  };
}

/**
 * The image `docker build` makes of the checkout, tagged with the tree it was built from: a
 * second test in the same run (same engine, same tree) finds it and does not build again.
 */
export async function buildStevedoreImage(checkout: Checkout, engine: Engine, base: BaseImages): Promise<string> {
  const tag = `stevedore-test:${checkout.tree.slice(0, 12)}`;
  const baseId = await docker(engine, ["image", "inspect", "-f", "{{.Id}}", base.nodeImage]);
  const builtFrom = await docker(engine, [
    "image",
    "inspect",
    "-f",
    '{{index .Config.Labels "org.stevedore.test-base"}}',
    tag,
  ]).catch(() => "");
  if (builtFrom === baseId) return tag;
  // The npm cache the build installs from, offline (.npm-cache/ is in .gitignore, not in .dockerignore).
  await runLogged(
    "bash",
    [path.join(checkout.dir, "scripts/images"), "npm-cache", path.join(checkout.dir, ".npm-cache")],
    {
      cwd: checkout.dir,
      env: process.env,
      log: path.join(checkout.dir, "..", "npm-cache.log"),
    },
  );
  // The classic builder: every docker client speaks it to engine 20.10 (BuildKit needs the
  // buildx plugin, which the machine's client lacks). The Dockerfile works with both.
  await runLogged(
    "docker",
    [
      "-H",
      engine.host,
      "build",
      "--build-arg",
      `NODE_IMAGE=${base.nodeImage}`,
      "--label",
      `org.stevedore.test-base=${baseId}`,
      "-t",
      tag,
      ".",
    ],
    { cwd: checkout.dir, env: dockerEnv({ DOCKER_BUILDKIT: "0" }), log: path.join(checkout.dir, "..", "build.log") },
  );
  return tag;
}

/** What the early build said, once it has ended (each test file's process asks once). */
let earlyBuild: Promise<void> | undefined;

/**
 * When `npm test` started the image build early (scripts/stack-image.ts, beside the type
 * check), waits until it has ended, and says how it ended. Its success is not taken on trust:
 * the build step after it checks the tag (and builds, reporting why, when the early build
 * failed).
 */
function awaitEarlyImageBuild(timeoutMs = 1_500_000): Promise<void> {
  earlyBuild ??= (async () => {
    const statusFile = process.env.STEVEDORE_STACK_IMAGE_STATUS;
    const pid = Number(process.env.STEVEDORE_STACK_IMAGE_PID);
    if (!statusFile) return;
    const alive = () => {
      if (!Number.isInteger(pid) || pid <= 0) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const started = Date.now();
    const deadline = started + timeoutMs;
    let status: string | undefined;
    for (;;) {
      status = await readFile(statusFile, "utf8").catch(() => undefined);
      if (status !== undefined) break;
      if (!alive()) status = "the early build ended without a word";
      else if (Date.now() > deadline) status = "the early build did not end in time";
      if (status !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const waited = Math.round((Date.now() - started) / 1000);
    console.log(`early image build (waited ${waited} s): ${status.split("\n")[0]}`);
  })();
  return earlyBuild;
}

export interface DeployedStack {
  name: string;
  /** Where it answers: the load balancer in front of the service. */
  url: string;
  /** `docker stack deploy` of the same files again, some variables changed (as a user changes the stack). */
  redeploy(variables: Record<string, string>): Promise<void>;
  remove(): Promise<void>;
}

/**
 * The load balancer in front, as a swarm without the routing mesh would have one (and as
 * many have one anyway): HAProxy on the manager's own address, sending to every task of the
 * service it finds in the swarm's DNS, health-checked on /healthz. A request whose connection
 * is refused (a task that has stopped accepting) goes to another task.
 */
function haproxyConfig(stack: string): string {
  return `global
  log stdout format raw local0 info

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  retries 3
  retry-on conn-failure
  option redispatch 1
  option http-server-close

resolvers swarm
  nameserver dns 127.0.0.11:53
  hold valid 1s
  hold obsolete 1s

frontend web
  bind :8080
  default_backend stevedore

backend stevedore
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  # Patient with a task that answers slowly (a 2-core machine under the load loop and others'
  # work): marked down only after 10 s of failed checks. A task that has stopped refuses
  # connections, which are retried on another task at once (retry-on conn-failure) anyway.
  timeout check 10s
  default-server inter 1s fall 10 rise 1 resolvers swarm init-addr none check
  server-template task 4 tasks.${stack}_stevedore:3000
`;
}

function proxyStackFile(): string {
  return `version: "3.8"
services:
  proxy:
    image: \${HAPROXY_IMAGE}
    configs:
      - source: haproxy
        target: /usr/local/etc/haproxy/haproxy.cfg
    ports:
      - target: 8080
        published: 8080
        protocol: tcp
        mode: host
    deploy:
      placement:
        constraints:
          - node.role == manager
configs:
  haproxy:
    file: \${HAPROXY_CONFIG}
`;
}

/**
 * docker stack deploy -c docker-compose.yml, with fresh secrets, and a load balancer in front
 * (a second stack file): the test bed has no routing mesh, and an upgrade's new task must be
 * able to start beside the old one, which a host-mode port on the one manager would forbid.
 */
export async function deployStack(
  checkout: Checkout,
  engine: Engine,
  options: { image: string; base: BaseImages; socketPath: string; managerAddress: string },
): Promise<DeployedStack> {
  const name = `stevedore-${randomBytes(3).toString("hex")}`;
  const secrets = path.join(checkout.dir, "secrets");
  await mkdir(secrets, { recursive: true });
  await writeFile(path.join(secrets, "secret-key"), `${randomBytes(32).toString("base64")}\n`);
  await writeFile(path.join(secrets, "db-password"), `${randomBytes(24).toString("hex")}\n`);
  const proxyDir = path.join(checkout.dir, "..", "proxy");
  await mkdir(proxyDir, { recursive: true });
  await writeFile(path.join(proxyDir, "haproxy.cfg"), haproxyConfig(name));
  await writeFile(path.join(proxyDir, "stack.yml"), proxyStackFile());
  const env = {
    STEVEDORE_IMAGE: options.image,
    POSTGRES_IMAGE: options.base.postgresImage,
    HAPROXY_IMAGE: options.base.haproxyImage,
    HAPROXY_CONFIG: path.join(proxyDir, "haproxy.cfg"),
    // Published through the routing mesh, as by default: the tasks start, though without IPVS
    // nothing reaches them that way here; the load balancer does.
    STEVEDORE_PUBLISH_MODE: "ingress",
    DOCKER_SOCKET: options.socketPath,
  };
  const deploy = (variables: Record<string, string>) =>
    run(
      "docker",
      [
        ...["-H", engine.host, "stack", "deploy", "--resolve-image", "never", "--detach=true"],
        ...["-c", "docker-compose.yml", "-c", path.join(proxyDir, "stack.yml"), name],
      ],
      { cwd: checkout.dir, env: dockerEnv(variables), timeout: 120_000 },
    );
  await deploy(env);
  return {
    name,
    url: `http://${options.managerAddress}:8080`,
    async redeploy(variables) {
      await deploy({ ...env, ...variables });
    },
    async remove() {
      await docker(engine, ["stack", "rm", name]).catch(() => undefined);
      // The stack's volume can go once its containers have.
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const left = await docker(engine, ["ps", "-aq", "--filter", `label=com.docker.stack.namespace=${name}`]).catch(
          () => "",
        );
        if (!left) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const volumes = await docker(engine, [
        "volume",
        "ls",
        "-q",
        "--filter",
        `label=com.docker.stack.namespace=${name}`,
      ]).catch(() => "");
      if (volumes) await docker(engine, ["volume", "rm", "-f", ...volumes.split("\n")]).catch(() => undefined);
    },
  };
}

/**
 * Copies an image from one engine to another (`docker save | docker load`), as a node that
 * cannot pull gets it: the test bed's nodes have no registry holding Stevedore's image.
 */
export async function copyImage(from: Engine, to: Engine, image: string): Promise<void> {
  const wanted = await docker(from, ["image", "inspect", "-f", "{{.Id}}", image]);
  const there = await docker(to, ["image", "inspect", "-f", "{{.Id}}", image]).catch(() => "");
  if (there === wanted) return;
  const save = spawn("docker", ["-H", from.host, "save", image], {
    env: dockerEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const load = spawn("docker", ["-H", to.host, "load", "-q"], { env: dockerEnv(), stdio: ["pipe", "ignore", "pipe"] });
  let errors = "";
  save.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  load.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  save.stdout.pipe(load.stdin);
  const exited = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((resolve) => {
      child.once("error", (error) => {
        errors += String(error);
        resolve(null);
      });
      child.once("exit", resolve);
    });
  const [saved, loaded] = await Promise.all([exited(save), exited(load)]);
  if (saved !== 0 || loaded !== 0) throw new Error(`docker save | docker load of ${image} failed: ${errors}`);
}

/** Waits until `check` returns a value (not undefined), or fails with what `describe` says after `ms`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  ms: number,
  describe: () => Promise<string> | string,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up after ${ms} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export interface ComposedProject {
  name: string;
  /** the last lines of every service's log */
  logs(): Promise<string>;
  down(): Promise<void>;
}

/**
 * `docker compose up -d` of docker-compose.yml on one engine, as on a host without a swarm,
 * with fresh secret files. The Compose v2 plugin is not on the machines these tests run on;
 * Debian's docker-compose (v1, the same file format) is, or is installed (as root).
 */
export async function composeUp(
  checkout: Checkout,
  engine: Engine,
  options: { image: string; base: BaseImages; socketPath: string; port: number },
): Promise<ComposedProject> {
  const installed = await run("docker-compose", ["version"]).then(
    () => true,
    () => false,
  );
  if (!installed) {
    if (process.getuid?.() !== 0) throw new Error("docker-compose is missing: apt-get install docker-compose");
    await run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "docker-compose"], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      timeout: 300_000,
    });
  }
  const secrets = path.join(checkout.dir, "secrets");
  await mkdir(secrets, { recursive: true });
  // As the README says to make them; readable by the container's unprivileged user.
  await writeFile(path.join(secrets, "secret-key"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o644 });
  await writeFile(path.join(secrets, "db-password"), `${randomBytes(24).toString("hex")}\n`, { mode: 0o644 });
  const name = `sdcompose${randomBytes(3).toString("hex")}`;
  const env = dockerEnv({
    STEVEDORE_IMAGE: options.image,
    POSTGRES_IMAGE: options.base.postgresImage,
    STEVEDORE_PORT: String(options.port),
    DOCKER_SOCKET: options.socketPath,
  });
  const compose = (args: string[]) =>
    run("docker-compose", ["-H", engine.host, "-p", name, ...args], {
      cwd: checkout.dir,
      env,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  await compose(["up", "-d"]);
  return {
    name,
    logs: async () =>
      (await compose(["logs", "--no-color", "--tail", "80"]).catch((e: unknown) => ({ stdout: String(e) }))).stdout,
    down: async () => {
      await compose(["down", "-v", "--timeout", "20"]);
    },
  };
}
