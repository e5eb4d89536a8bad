// Looking inside one container: the raw inspect document, processes (top), filesystem
// changes (diff), live stats, a compact usage feed for the list, and the file browser's
// listings (downloads and uploads are plain HTTP: server/transport/http/container-files.ts). Spread into
// the containers router.
import { setTimeout as sleep } from "node:timers/promises";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { maskCommandLine, maskCommandWords, maskLabelValues, MASKED } from "../../audit/mask";
import { isSecretVariable, looksSecretValue } from "../../audit/redact";
import {
  containerChanges,
  containerPath,
  containerStats,
  containerStatsOnce,
  containerTop,
  DockerError,
  ensureRunning,
  inspectContainerRaw,
  listDirectory,
  StatsCalculator,
} from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import { can, canSomewhere, type EffectivePermissions } from "../../rbac/permissions";
import { watchPermission } from "../../rbac/revocation";
import { permittedProcedure } from "../../transport/trpc/init";
import { refuseHostReach } from "./host-reach";
import type { Actor } from "../../core/context";
import { containerTarget } from "../../core/refs";

export { MASKED } from "../../audit/mask";

const target = containerTarget;

/** Whether this actor sees the values of secret-looking variables on this environment. */
export function revealsSecrets(permissions: EffectivePermissions, environmentId: string): boolean {
  return can(permissions, "container.inspect.secrets", environmentId);
}

/** The one place secret-looking environment values are masked: {name, value} pairs… */
export function maskEnvPairs<T extends { name: string; value: string }>(
  env: T[],
  reveal: boolean,
): (T | (T & { masked: true }))[] {
  return env.map((e) =>
    reveal || !isSecretVariable(e.name, e.value) ? e : { ...e, value: MASKED, masked: true as const },
  );
}

/** …and NAME=value strings, as the engine's Config.Env holds them. */
export function maskEnvEntries(env: string[], reveal: boolean): string[] {
  return env.map((entry) => {
    const eq = entry.indexOf("=");
    if (reveal) return entry;
    if (eq < 0) return looksSecretValue(entry) ? MASKED : entry;
    return isSecretVariable(entry.slice(0, eq), entry.slice(eq + 1)) ? `${entry.slice(0, eq + 1)}${MASKED}` : entry;
  });
}

/** Words of a command line (Cmd, Entrypoint, Args) holding a credential or a secret-named flag's value, masked. */
export function maskWords(words: string[] | null | undefined, reveal: boolean): string[] | null | undefined {
  if (reveal || !words) return words;
  return maskCommandWords(words);
}

/** Label values holding a credential (or under a secret-looking key), masked. */
export function maskLabels(
  labels: Record<string, string> | null | undefined,
  reveal: boolean,
): Record<string, string> | null | undefined {
  if (reveal || !labels) return labels;
  return maskLabelValues(labels);
}

/** A stream that ends quietly when the page goes away or the permission does. */
function permissionWatch(
  ctx: { services: { prisma: Parameters<typeof watchPermission>[0] }; actor: Actor },
  permission: Permission,
  environmentId: string | null,
  signal: AbortSignal | undefined,
) {
  return watchPermission(
    ctx.services.prisma,
    ctx.actor,
    ctx.actor.permissions,
    (p) => (environmentId ? can(p, permission, environmentId) : canSomewhere(p, permission)),
    signal,
  );
}

export interface UsageItem {
  environmentId: string;
  /** as asked (a full or short id, or a name) */
  id: string;
  cpuPercent: number | null;
  memoryBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
}

export interface UsageTick {
  at: number;
  items: UsageItem[];
  errors: { environmentId: string; id: string; message: string }[];
}

export const USAGE_INTERVAL_MS = 2_000;
const USAGE_CONCURRENCY = 6;
const USAGE_DEADLINE_MS = 3_000;

/** An engine failure in the middle of a stream, where the procedure's error mapping no longer applies. */
function asTrpcError(error: unknown): unknown {
  if (!(error instanceof DockerError)) return error;
  const code =
    error.code === "not-found"
      ? "NOT_FOUND"
      : error.code === "conflict"
        ? "CONFLICT"
        : error.code === "busy"
          ? "TOO_MANY_REQUESTS"
          : "BAD_GATEWAY";
  return new TRPCError({ code, message: error.message, cause: error });
}

/**
 * One of the user's stream places on this engine, for a subscription; a refusal as the API's
 * TOO_MANY_REQUESTS (thrown inside a stream, where the procedure's error mapping does not reach).
 */
export function leaseOrRefuse(
  ctx: { services: { fleet: { leaseStream(e: string, u: string): { release(): void } } }; actor: Actor },
  environmentId: string,
) {
  try {
    return ctx.services.fleet.leaseStream(environmentId, ctx.actor.userId);
  } catch (error) {
    throw asTrpcError(error);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const containerInspectProcedures = {
  /** The engine's inspect document, with Config.Env masked as containers.get masks env. */
  inspect: permittedProcedure("container.read")
    .input(target)
    .query(async ({ ctx, input }) => {
      const raw = await inspectContainerRaw(ctx.services.fleet, input.environmentId, input.id);
      const reveal = revealsSecrets(ctx.actor.permissions, input.environmentId);
      const config = raw.Config as typeof raw.Config | null;
      const masked = {
        ...raw,
        Args: maskWords(raw.Args, reveal),
        ...(config
          ? {
              Config: {
                ...config,
                Env: config.Env ? maskEnvEntries(config.Env, reveal) : config.Env,
                Cmd: maskWords(config.Cmd, reveal),
                Entrypoint: Array.isArray(config.Entrypoint)
                  ? maskWords(config.Entrypoint, reveal)
                  : typeof config.Entrypoint === "string" && !reveal && looksSecretValue(config.Entrypoint)
                    ? MASKED
                    : config.Entrypoint,
                Labels: maskLabels(config.Labels, reveal),
              },
            }
          : {}),
      };
      return { inspect: masked as unknown as Record<string, unknown>, secretsRevealed: reveal };
    }),

  /**
   * `docker top`: the container's processes as the host's ps sees them; their command lines
   * masked as the container's own command is, without container.inspect.secrets.
   */
  top: permittedProcedure("container.read")
    .input(target)
    .query(async ({ ctx, input }) => {
      const top = await containerTop(ctx.services.fleet, input.environmentId, input.id);
      if (revealsSecrets(ctx.actor.permissions, input.environmentId)) return top;
      const command = top.titles.findIndex((title) => ["CMD", "COMMAND", "ARGS"].includes(title.toUpperCase()));
      if (command < 0) return top;
      return {
        ...top,
        processes: top.processes.map((row) =>
          row.map((cell, column) => (column === command ? maskCommandLine(cell) : cell)),
        ),
      };
    }),

  /** `docker diff`: files added (A), changed (C) and deleted (D) against the image. */
  changes: permittedProcedure("container.read")
    .input(target)
    .query(({ ctx, input }) => containerChanges(ctx.services.fleet, input.environmentId, input.id)),

  /** Live usage of one running container, about once a second (server-sent events). */
  stats: permittedProcedure("container.read")
    .input(target)
    .subscription(async ({ ctx, input, signal }) => {
      // Checked before the stream starts, so a stopped container is a clear CONFLICT.
      await ensureRunning(ctx.services.fleet, input.environmentId, input.id);
      return (async function* () {
        const lease = leaseOrRefuse(ctx, input.environmentId);
        const watch = permissionWatch(ctx, "container.read", input.environmentId, signal);
        try {
          for await (const sample of containerStats(ctx.services.fleet, input.environmentId, input.id, watch.signal)) {
            yield sample;
          }
        } catch (error) {
          // The page went away or the permission did: either ends the stream normally.
          if (!watch.signal.aborted) throw asTrpcError(error);
        } finally {
          watch.stop();
          lease.release();
        }
      })();
    }),

  /**
   * CPU % and memory of up to 100 containers every two seconds, for the list's visible rows.
   * The engine has no bulk call: one one-shot stats call per running container, a few at a
   * time, each within a deadline; containers on environments the caller may not read are
   * left out (and so are those the live picture knows are not running).
   */
  usage: permittedProcedure("container.read")
    .input(z.object({ containers: z.array(target).max(100, "Ask for at most 100 containers at once.") }))
    .subscription(async function* ({ ctx, input, signal }) {
      const watch = permissionWatch(ctx, "container.read", null, signal);
      const calculators = new Map<string, StatsCalculator>();
      const wanted = [...new Map(input.containers.map((c) => [`${c.environmentId}/${c.id}`, c])).values()];
      const { fleet } = ctx.services;
      try {
        while (!watch.signal.aborted) {
          const started = Date.now();
          const perms = watch.current();
          const running = wanted.filter((c) => {
            if (!can(perms, "container.read", c.environmentId) || !fleet.has(c.environmentId)) return false;
            const known = fleet.picture
              .list(c.environmentId, "containers")
              ?.find((row) => row.id === c.id || row.id.startsWith(c.id) || row.name === c.id);
            return !known || known.state === "running";
          });
          const tick: UsageTick = { at: started, items: [], errors: [] };
          await mapLimit(running, USAGE_CONCURRENCY, async (c) => {
            const key = `${c.environmentId}/${c.id}`;
            try {
              const raw = await containerStatsOnce(fleet, c.environmentId, c.id, {
                deadlineMs: USAGE_DEADLINE_MS,
                signal: watch.signal,
              });
              const calculator = calculators.get(key) ?? new StatsCalculator();
              calculators.set(key, calculator);
              const s = calculator.next(raw);
              tick.items.push({
                environmentId: c.environmentId,
                id: c.id,
                cpuPercent: s.cpuPercent,
                memoryBytes: s.memoryBytes,
                memoryLimitBytes: s.memoryLimitBytes,
                memoryPercent: s.memoryPercent,
              });
            } catch (error) {
              tick.errors.push({
                environmentId: c.environmentId,
                id: c.id,
                message: error instanceof Error ? error.message : "stats failed",
              });
            }
          });
          if (watch.signal.aborted) break;
          yield tick;
          await sleep(Math.max(0, USAGE_INTERVAL_MS - (Date.now() - started)), undefined, {
            signal: watch.signal,
          }).catch(() => undefined);
        }
      } finally {
        watch.stop();
      }
    }),

  /** One folder of the container's filesystem (read from the engine's archive, bounded). */
  files: permittedProcedure("container.files.read")
    .input(
      target.extend({
        path: z
          .string()
          .max(4096)
          .default("/")
          .transform((p, c) => {
            try {
              return containerPath(p);
            } catch (error) {
              c.addIssue({ code: "custom", message: (error as Error).message });
              return z.NEVER;
            }
          }),
      }),
    )
    .query(async ({ ctx, input, signal }) => {
      // A host folder mounted in it is in its file system: a host-reaching one needs its host access.
      await refuseHostReach(ctx, input.environmentId, input.id, "files-read");
      return listDirectory(ctx.services.fleet, input.environmentId, input.id, input.path, undefined, signal);
    }),
};
