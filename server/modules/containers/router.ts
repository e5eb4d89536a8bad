// Containers across the fleet: the list (from the live picture), details, and one procedure
// per action, each with its own permission, its audit event, and the docker CLI equivalent.
import { z } from "zod";
import {
  cliWordsFor,
  containerLogs,
  inspectContainer,
  runContainerAction,
  type ContainerAction,
} from "../../docker/index";
import { containerNames } from "../../audit/names";
import { dockerLine } from "../shared/cli";
import type { Permission } from "../../rbac/catalogue";
import { can } from "../../rbac/permissions";
import { whileAllowed } from "../../transport/trpc/streaming";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { containerCreateProcedures } from "./create.router";
import { containerReplaceProcedures } from "./replace.router";
import {
  containerInspectProcedures,
  leaseOrRefuse,
  maskEnvPairs,
  maskLabels,
  maskWords,
  revealsSecrets,
} from "./inspect.router";
import { fleetListInput } from "../fleet/lists.procedure";
import { firstScreenInput } from "./contract";
import { answerContainersList } from "./list";
import { refuseHostReach } from "./host-reach";
import type { WorkloadDoor } from "../../workloads/reach";
import { containerTarget, ENGINE_REF } from "../../core/refs";

const target = containerTarget;
export { MASKED } from "./inspect.router";

function action<S extends z.ZodRawShape>(
  permission: Permission,
  extra: S,
  toAction: (input: z.infer<z.ZodObject<S>>) => ContainerAction,
  /** running the container: a host-reaching one needs its host access too (server/workloads/reach.ts) */
  door?: WorkloadDoor,
) {
  return permittedProcedure(permission)
    .input(target.extend(extra))
    .mutation(async ({ ctx, input: raw }) => {
      // The generic schema hides its shape from TypeScript; it is target + extra.
      const input = raw as unknown as z.infer<typeof target> & z.infer<z.ZodObject<S>>;
      const act = toAction(input);
      ctx.audit.target("container", input.id);
      if (door) await refuseHostReach(ctx, input.environmentId, input.id, door);
      // Named before the action: a rename or remove leaves the picture without the old name.
      const names = containerNames(ctx.services.fleet, input.environmentId, input.id);
      // The live picture may not know it yet (made a moment ago elsewhere, a watcher catching
      // up): the engine does, so the record can answer "who restarted web-1?" by name.
      const containerName =
        names.containerName ??
        (await inspectContainer(ctx.services.fleet, input.environmentId, input.id).then(
          (detail) => detail.name,
          () => null,
        ));
      if (containerName) ctx.audit.target("container", input.id, containerName);
      await runContainerAction(ctx.services.fleet, input.environmentId, input.id, act);
      return {
        ok: true as const,
        cli: dockerLine(names.environmentName, cliWordsFor(containerName ?? input.id, act)),
      };
    });
}

const timeoutSeconds = z.number().int().min(0).max(3600).optional();

/** `containers.list`: the fleet list's input, and a first screen. */
const containersListInput = fleetListInput.unwrap().extend({ first: firstScreenInput.optional() }).optional();

export const containersRouter = createTRPCRouter({
  /**
   * The fleet list (server/modules/fleet/lists.procedure.ts). With `first`, only the top rows of
   * the page's view (its search, filters and sort): what a page draws at once, ahead of the
   * whole list (0.8 MB compressed at 10,000 containers), with the same stamps and errors.
   */
  list: permittedProcedure("container.read")
    .input(containersListInput)
    .query(({ ctx, input }) => answerContainersList(ctx.services, ctx.scope, input)),

  /**
   * Inspect, trimmed; without container.inspect.secrets, values that look secret (by name or by
   * form) are masked: variables, command and entrypoint words, labels.
   */
  get: permittedProcedure("container.read")
    .input(target)
    .query(async ({ ctx, input }) => {
      const detail = await inspectContainer(ctx.services.fleet, input.environmentId, input.id);
      const reveal = revealsSecrets(ctx.actor.permissions, input.environmentId);
      return {
        ...detail,
        env: maskEnvPairs(detail.env, reveal),
        command: maskWords(detail.command, reveal) ?? [],
        entrypoint: maskWords(detail.entrypoint, reveal) ?? [],
        labels: maskLabels(detail.labels, reveal) ?? {},
        secretsRevealed: reveal,
      };
    }),

  /**
   * Log lines as server-sent events, in batches ({text, runs}: see LogBatch) of whatever the
   * engine had ready when the last batch was sent; follows new lines when asked. The engine
   * stream is only read while the client keeps up: tRPC pulls the next batch once the last
   * one is written to the socket.
   */
  logs: permittedProcedure("container.logs")
    .input(
      target.extend({
        follow: z.boolean().default(true),
        tail: z.union([z.number().int().min(0).max(1_000_000), z.literal("all")]).default(500),
        since: z.number().int().min(0).optional(),
        until: z.number().int().min(0).optional(),
        timestamps: z.boolean().default(false),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const { environmentId, id: containerId, ...options } = input;
      // One of the user's stream places on this engine, for as long as the page follows.
      const lease = leaseOrRefuse(ctx, environmentId);
      try {
        yield* whileAllowed(
          ctx,
          signal,
          (p) => can(p, "container.logs", environmentId),
          (watch) => containerLogs(ctx.services.fleet, environmentId, containerId, options, watch.signal),
        );
      } finally {
        lease.release();
      }
    }),

  start: action("container.lifecycle", {}, () => ({ action: "start" }), "start"),
  stop: action("container.lifecycle", { timeoutSeconds }, (i) => ({
    action: "stop",
    timeoutSeconds: i.timeoutSeconds,
  })),
  restart: action(
    "container.lifecycle",
    { timeoutSeconds },
    (i) => ({ action: "restart", timeoutSeconds: i.timeoutSeconds }),
    "restart",
  ),
  kill: action(
    "container.lifecycle",
    {
      signal: z
        .string()
        .regex(/^(SIG)?[A-Z0-9+-]{1,16}$|^\d{1,2}$/, "Use a signal name like SIGTERM or a number.")
        .optional(),
    },
    (i) => ({ action: "kill", signal: i.signal }),
  ),
  pause: action("container.lifecycle", {}, () => ({ action: "pause" })),
  unpause: action("container.lifecycle", {}, () => ({ action: "unpause" }), "unpause"),
  rename: action(
    "container.lifecycle",
    {
      name: z.string().trim().regex(ENGINE_REF, "Use letters, digits, _ . and -, starting with a letter or digit."),
    },
    (i) => ({ action: "rename", name: i.name }),
  ),
  remove: action("container.delete", { force: z.boolean().optional(), volumes: z.boolean().optional() }, (i) => ({
    action: "remove",
    force: i.force,
    volumes: i.volumes,
  })),

  ...containerCreateProcedures,
  ...containerReplaceProcedures,
  ...containerInspectProcedures,
});
