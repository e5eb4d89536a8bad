// docker stack rm (cli/command/stack/swarm/remove.go): every service, secret, config and network
// carrying the stack's namespace label, in that order. Unlike the CLI, a network whose tasks
// are still shutting down is retried until its endpoints are gone (bounded), so a remove that
// returns has removed everything.
import type Docker from "dockerode";
import { LABEL_NAMESPACE } from "./convert";
import { engineCall, filters } from "./engine-api";
import type { StackProgress } from "./deploy";
import { StackAbortedError, StackConflictError, StackEngineError, StackNotFoundError } from "./errors";

export interface RemoveOptions {
  signal?: AbortSignal;
  onProgress?: (event: StackProgress) => void;
  /** how long to retry a network that still has endpoints, in ms (default 60 s) */
  networkWaitMs?: number;
}

interface Listed {
  ID?: string;
  Id?: string;
  Name?: string;
  Spec?: { Name: string };
}

function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new Error("aborted"));
      },
      { once: true },
    );
  });
}

export async function removeStack(
  docker: Docker,
  stack: string,
  options: RemoveOptions = {},
): Promise<StackProgress[]> {
  const { signal } = options;
  const label = filters({ label: [`${LABEL_NAMESPACE}=${stack}`] });
  const list = (path: string) =>
    engineCall<Listed[]>(docker, { method: "GET", path, query: label, signal }, `list ${path.slice(1)}`);
  const [services, networks, secrets, configs] = await Promise.all([
    list("/services"),
    list("/networks"),
    list("/secrets"),
    list("/configs"),
  ]);
  if (services.length + networks.length + secrets.length + configs.length === 0) {
    throw new StackNotFoundError(`Nothing found in stack: ${stack}`);
  }
  const events: StackProgress[] = [];
  const failures: string[] = [];
  const remove = async (kind: StackProgress["kind"], path: string, id: string, name: string, retryUntil?: number) => {
    if (signal?.aborted) throw new StackAbortedError(events.map((e) => `${e.action} ${e.kind} ${e.name}`));
    for (;;) {
      try {
        await engineCall(
          docker,
          { method: "DELETE", path: `${path}/${id}`, signal },
          `Failed to remove ${kind} ${name}`,
        );
        break;
      } catch (error) {
        if (error instanceof StackNotFoundError) break;
        const busy =
          error instanceof StackConflictError ||
          (error instanceof StackEngineError && /active endpoints|in use/i.test(error.message));
        if (busy && retryUntil !== undefined && Date.now() < retryUntil && !signal?.aborted) {
          await waitFor(250, signal);
          continue;
        }
        failures.push((error as Error).message);
        return;
      }
    }
    const event: StackProgress = { kind, action: "remove", name, id };
    events.push(event);
    options.onProgress?.(event);
  };
  const byName = (a: Listed, b: Listed) => ((a.Spec?.Name ?? "") < (b.Spec?.Name ?? "") ? -1 : 1);
  for (const s of [...services].sort(byName)) await remove("service", "/services", s.ID!, s.Spec!.Name);
  for (const s of secrets) await remove("secret", "/secrets", s.ID!, s.Spec!.Name);
  for (const c of configs) await remove("config", "/configs", c.ID!, c.Spec!.Name);
  const until = Date.now() + (options.networkWaitMs ?? 60_000);
  for (const n of networks) await remove("network", "/networks", n.Id!, n.Name!, until);
  if (failures.length) {
    throw new StackEngineError(
      `failed to remove some resources from stack: ${stack}\n${failures.join("\n")}`,
      undefined,
    );
  }
  return events;
}
