// A terminal in a container: `docker exec -it` over the Engine API. The Engine API has no
// call to end an exec, and closing a TTY exec's connection leaves its shell running; so every
// session's processes carry a marker in their environment, and ending a session sends EOF,
// then kills every process bearing the marker through a second exec, then confirms with
// exec inspect that the session's process is gone.
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { ContainerNotRunningError, DockerEngineError } from "./errors";
import type { Fleet } from "./fleet";
import { splitWords } from "../core/shell-words";

export interface ExecOptions {
  /** "auto" (bash when present, else sh) or a command line like "sh" or "/bin/ash -l". */
  command: string;
  user?: string;
  workingDir?: string;
  cols: number;
  rows: number;
}

export interface ExecSession {
  execId: string;
  /** the command that runs, as an argv */
  argv: string[];
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** Ends the session's processes and confirms they are gone; true when confirmed. */
  terminate(): Promise<boolean>;
  /** Whether the exec's process still runs, and its exit code once it does not. */
  inspect(): Promise<{ running: boolean; exitCode: number | null }>;
}

export class NoShellError extends DockerEngineError {
  constructor(environmentId: string, tried: string[]) {
    super(environmentId, 404, `This container has no shell: tried ${tried.join(", ")}. Choose a command it has.`);
  }
}

/** After an exec failed: the reason when it is the container's state, else null. */
async function notRunning(docker: Docker, environmentId: string, containerId: string): Promise<Error | null> {
  const info = await docker
    .getContainer(containerId)
    .inspect()
    .catch(() => null);
  const state = info?.State?.Status;
  return state && state !== "running" ? new ContainerNotRunningError(environmentId, state, "open a console") : null;
}

const MARKER = "STEVEDORE_CONSOLE";

/** The console's command as the shell would split it (`sh -c 'echo hi'` is three words). */
export function splitCommand(environmentId: string, command: string): string[] {
  const split = splitWords(command);
  if ("error" in split) throw new DockerEngineError(environmentId, 400, `The command cannot be run: ${split.error}`);
  return split.words;
}

/** Runs a short non-interactive command and returns its output and exit code. */
async function runQuick(
  docker: Docker,
  containerId: string,
  argv: string[],
): Promise<{ output: string; exitCode: number | null }> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  const info = await exec.inspect();
  return { output: Buffer.concat(chunks).toString("utf8"), exitCode: info.ExitCode ?? null };
}

export async function openExec(
  fleet: Fleet,
  environmentId: string,
  containerId: string,
  options: ExecOptions,
  signal: AbortSignal,
): Promise<ExecSession> {
  const marker = randomUUID();
  let exec: Docker.Exec | undefined;
  let argv: string[] = [];

  const stream = await fleet.openStream(
    environmentId,
    "exec",
    async (docker) => {
      if (options.command === "auto") {
        const probe = await runQuick(docker, containerId, ["sh", "-c", "command -v bash || command -v sh"]).catch(
          () => null,
        );
        const found = probe?.exitCode === 0 ? probe.output.trim().split(/\s+/)[0] : undefined;
        if (!found)
          throw (
            (await notRunning(docker, environmentId, containerId)) ?? new NoShellError(environmentId, ["bash", "sh"])
          );
        argv = [found];
      } else {
        argv = splitCommand(environmentId, options.command);
      }
      try {
        exec = await docker.getContainer(containerId).exec({
          Cmd: argv,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
          User: options.user || undefined,
          WorkingDir: options.workingDir || undefined,
          Env: [`${MARKER}=${marker}`, "TERM=xterm-256color"],
        });
      } catch (error) {
        throw (await notRunning(docker, environmentId, containerId)) ?? error;
      }
      const hijacked = await exec.start({ hijack: true, stdin: true, Tty: true });
      // Size the terminal before the first prompt is drawn.
      await exec.resize({ h: options.rows, w: options.cols }).catch(() => undefined);
      return hijacked;
    },
    { signal, deadlineMs: 10_000 },
  );
  const started = exec!;

  // After the session's own connection is gone (its signal aborted), inspection and cleanup
  // go through fresh calls of their own.
  const inspect = () =>
    fleet.call(environmentId, "exec inspect", async (docker) => {
      const info = await docker.getExec(started.id).inspect();
      return { running: info.Running, exitCode: info.Running ? null : (info.ExitCode ?? null) };
    });

  let terminated: Promise<boolean> | undefined;
  return {
    execId: started.id,
    argv,
    stream,
    resize: async (cols, rows) => {
      await started.resize({ h: rows, w: cols });
    },
    inspect,
    terminate() {
      terminated ??= (async () => {
        stream.end(); // EOF first: a shell at its prompt leaves by itself
        try {
          if (!(await inspect()).running) return true;
          // Every process of this session carries the marker: kill them all.
          const script = `for p in /proc/[0-9]*; do if grep -q "${MARKER}=${marker}" "$p/environ" 2>/dev/null; then kill -9 "\${p#/proc/}" 2>/dev/null; fi; done`;
          await fleet
            .call(environmentId, "exec cleanup", (docker) => runQuick(docker, containerId, ["sh", "-c", script]), {
              deadlineMs: 10_000,
            })
            .catch(() => undefined);
          for (let i = 0; i < 20; i++) {
            if (!(await inspect()).running) return true;
            await new Promise((r) => setTimeout(r, 100));
          }
          return false;
        } catch {
          // The container itself is gone (removed, stopped): nothing left to end.
          return true;
        } finally {
          stream.destroy();
        }
      })();
      return terminated;
    },
  };
}
