// stacks.*: a thin wiring of the stack module to tRPC. Each procedure names its one
// permission (checked by the builder on the manager environment the input names), its audit
// target (the stack and, for a deploy, the version it became), and maps the module's typed
// errors to API codes here, at the edge.
import { answerFor } from "../../core/errors";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { PRIVILEGED, DOCKER_SOCKET } from "../../containers/policy";
import { can } from "../../rbac/permissions";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import type { Context } from "../../core/context";
import { id } from "../../core/refs";
import { StackError } from "./errors";
import {
  adoptVersion,
  deployVersion,
  listStacks,
  previewStack,
  readableClusters,
  readStack,
  readVersion,
  removeStackFrom,
  type ListedStack,
  type StackDeps,
} from "./manage";
import { STACK_FILE_MAX_CHARS } from "./contract";
import { stackJudge } from "./service-policy";
import type { StackJudge } from "./deploy";
import { findCluster, serviceFacts } from "../swarm/index";
import { networkTargetsOf, volumesOf } from "../swarm/judge";
import type { WorkloadFacts } from "./service-policy";

const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const stackName = z
  .string()
  .trim()
  .regex(STACK_NAME, "Use letters, digits, _ . and -, starting with a letter or digit, at most 63 characters.");
const MAX_FILE = STACK_FILE_MAX_CHARS;

const source = {
  composeFile: z.string().min(1, "The compose file is empty.").max(MAX_FILE, "The compose file is over 512 KiB."),
  environment: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "A variable name is letters, digits and _."),
      z.string().max(64 * 1024),
    )
    .refine((v) => Object.keys(v).length <= 200, "At most 200 variables.")
    .default({}),
  /** files the compose file names (env_file, secrets, configs); `data` is the file's text */
  files: z
    .array(
      z.object({
        path: z
          .string()
          .min(1)
          .max(256)
          .refine(
            (p) => !p.startsWith("/") && !p.split("/").includes(".."),
            "A path relative to the compose file, without '..'.",
          ),
        data: z.string().max(MAX_FILE, "A file is over 512 KiB."),
      }),
    )
    .max(50, "At most 50 files.")
    .default([]),
};

const target = z.object({ environmentId: id, name: stackName });

function depsOf(ctx: Context): StackDeps {
  return { prisma: ctx.services.prisma, box: ctx.services.secrets, fleet: ctx.services.fleet };
}

const TEXT = new TextEncoder();
const filesOf = (files: { path: string; data: string }[]) =>
  files.map((f) => ({ path: f.path, data: TEXT.encode(f.data) }));

/** The module's typed errors as API codes, by the one map (a file problem or a refusal is the user's to fix: 4xx). */
function toTrpc(error: unknown): unknown {
  if (!(error instanceof StackError)) return error;
  return new TRPCError({ code: answerFor(error).trpc, message: error.message, cause: error });
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTrpc(error);
  }
}

export const stacksRouter = createTRPCRouter({
  /** Every stack of every swarm the actor may read stacks on, whoever deployed it; one entry per failing swarm. */
  list: permittedProcedure("stack.read").query(async ({ ctx }) => {
    const clusters = readableClusters(ctx.services.fleet, ctx.scope === "all" ? "all" : ctx.scope);
    const items: ListedStack[] = [];
    const errors: { environmentId: string; clusterId: string; message: string }[] = [];
    await Promise.all(
      clusters.map(async (cluster) => {
        try {
          items.push(...(await listStacks(depsOf(ctx), cluster.environmentId)));
        } catch (error) {
          errors.push({
            environmentId: cluster.environmentId,
            clusterId: cluster.clusterId,
            message: (error as Error).message,
          });
        }
      }),
    );
    items.sort((a, b) => a.name.localeCompare(b.name) || a.clusterId.localeCompare(b.clusterId));
    return { items, errors, clusters };
  }),

  /** One stack: its services, tasks, networks, volumes, secrets, configs, state, history and rollout. */
  get: permittedProcedure("stack.read")
    .input(target)
    .query(({ ctx, input }) => mapped(() => readStack(depsOf(ctx), input.environmentId, input.name))),

  /**
   * One kept version: the file as deployed, config files (their text only with
   * config.data.read, as configs.get), variables (secret-looking values withheld). The file's
   * own secret-looking values are redacted unless the caller may deploy (the edit form needs the
   * file as written) or may see secrets.
   */
  version: permittedProcedure("stack.read")
    .input(target.extend({ version: z.number().int().min(1).optional() }))
    .query(({ ctx, input }) => {
      const reveal =
        can(ctx.actor.permissions, "stack.deploy", input.environmentId) ||
        can(ctx.actor.permissions, "container.inspect.secrets", input.environmentId);
      const mayReadConfigData = can(ctx.actor.permissions, "config.data.read", input.environmentId);
      return mapped(() =>
        readVersion(depsOf(ctx), input.environmentId, input.name, input.version, reveal, mayReadConfigData),
      );
    }),

  /** What a deploy would do: the file's issues with their lines, or warnings and the spec changes. */
  preview: permittedProcedure("stack.deploy")
    .input(target.extend({ ...source, prune: z.boolean().default(false) }))
    .query(({ ctx, input }) =>
      mapped(() =>
        previewStack(
          depsOf(ctx),
          input.environmentId,
          input.name,
          { composeFile: input.composeFile, environment: input.environment, files: filesOf(input.files) },
          {
            prune: input.prune,
            mayReadConfigData: can(ctx.actor.permissions, "config.data.read", input.environmentId),
          },
        ),
      ),
    ),

  /** Deploys the file as the stack's next version, as `docker stack deploy` would. */
  deploy: permittedProcedure("stack.deploy")
    .input(target.extend({ ...source, prune: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("stack", input.name, input.name);
      const answer = await mapped(() =>
        deployVersion(depsOf(ctx), {
          environmentId: input.environmentId,
          name: input.name,
          source: { composeFile: input.composeFile, environment: input.environment, files: filesOf(input.files) },
          prune: input.prune,
          judge: judgeFor(ctx, input.environmentId),
          mayReadConfigData: can(ctx.actor.permissions, "config.data.read", input.environmentId),
          actor: { userId: ctx.actor.userId, username: ctx.actor.username },
        }),
      );
      noteVersion(ctx, input, answer.clusterId, answer.version);
      return answer;
    }),

  /** Deploys a kept version again (its file, config and env files, variables; secrets as they exist). */
  redeploy: permittedProcedure("stack.deploy")
    .input(target.extend({ version: z.number().int().min(1), prune: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("stack", input.name, input.name);
      const answer = await mapped(() =>
        deployVersion(depsOf(ctx), {
          environmentId: input.environmentId,
          name: input.name,
          source: { composeFile: "", environment: {}, files: [] },
          prune: input.prune,
          judge: judgeFor(ctx, input.environmentId),
          mayReadConfigData: can(ctx.actor.permissions, "config.data.read", input.environmentId),
          actor: { userId: ctx.actor.userId, username: ctx.actor.username },
          from: { version: input.version },
        }),
      );
      noteVersion(ctx, input, answer.clusterId, answer.version);
      return answer;
    }),

  /**
   * Takes a stack deployed elsewhere into the history: its compose file reconstructed from the
   * live specs, or as supplied, becomes its next version. Nothing on the swarm changes.
   */
  adopt: permittedProcedure("stack.deploy")
    .input(
      target.extend({
        composeFile: source.composeFile.optional(),
        environment: source.environment,
        files: source.files,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("stack", input.name, input.name);
      const answer = await mapped(() =>
        adoptVersion(depsOf(ctx), {
          environmentId: input.environmentId,
          name: input.name,
          ...(input.composeFile !== undefined
            ? {
                source: {
                  composeFile: input.composeFile,
                  environment: input.environment,
                  files: filesOf(input.files),
                },
              }
            : {}),
          mayReadConfigData: can(ctx.actor.permissions, "config.data.read", input.environmentId),
          actor: { userId: ctx.actor.userId, username: ctx.actor.username },
        }),
      );
      noteVersion(ctx, input, answer.clusterId, answer.version);
      return answer;
    }),

  /** Removes the stack: its services, and the networks, secrets and configs it made. */
  remove: permittedProcedure("stack.delete")
    .input(target)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("stack", input.name, input.name);
      const steps = await mapped(() => removeStackFrom(depsOf(ctx), input.environmentId, input.name));
      return { steps };
    }),
});

/**
 * The workload policy for this actor on this environment: host access needs its own
 * permission. Judged with what the swarm's engines say, as the services door judges: a named
 * volume made earlier with `o=bind` (or another driver) is a host mount, not a plain volume.
 */
function judgeFor(ctx: Context & { actor: NonNullable<Context["actor"]> }, environmentId: string): StackJudge {
  const grants = {
    privileged: can(ctx.actor.permissions, PRIVILEGED, environmentId),
    dockerSocket: can(ctx.actor.permissions, DOCKER_SOCKET, environmentId),
    configData: can(ctx.actor.permissions, "config.data.read", environmentId),
  };
  const { fleet, prisma } = ctx.services;
  // One judge per deploy: what the engines and the database say is asked once for the whole
  // stack, not again for each service that names the same volumes and networks.
  const endpoints = new Map<string, Promise<string | null>>();
  const endpointOf = (id: string) => {
    let url = endpoints.get(id);
    if (!url) {
      url = prisma.environment.findUnique({ where: { id }, select: { url: true } }).then((e) => e?.url ?? null);
      endpoints.set(id, url);
    }
    return url;
  };
  const known = new Map<string, Promise<WorkloadFacts>>();
  const judgeService: StackJudge = async (spec, context) => {
    const cluster = findCluster(fleet, environmentId);
    if (!cluster) return stackJudge(grants, {})(spec, context);
    // The facts depend on the volumes a spec names and the networks it names (which of them
    // are exactly a network's name): services naming the same ones share one look-up.
    const key = JSON.stringify([[...new Set(volumesOf(spec))].sort(), [...new Set(networkTargetsOf(spec))].sort()]);
    let facts = known.get(key);
    if (!facts) {
      facts = serviceFacts(fleet, cluster, spec, endpointOf);
      known.set(key, facts);
    }
    return stackJudge(grants, await facts)(spec, context);
  };
  // The networks the stack makes, judged as networks.create judges them (the facts play no part).
  return Object.assign(judgeService, { network: stackJudge(grants).network });
}

/** The audit event says which version of which stack on which swarm a deploy became. */
function noteVersion(
  ctx: { audit: { patch: { targetId?: string | null; params?: unknown } } },
  input: Record<string, unknown>,
  clusterId: string,
  version: number,
): void {
  ctx.audit.patch.targetId = `${clusterId}/${String(input.name)}@${version}`;
  ctx.audit.patch.params = { ...input, clusterId, version };
}
