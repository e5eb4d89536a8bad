// disk.*: an environment's disk use by kind, and the system prune after its preview; thin
// wiring of the contract to usage.ts and system-prune.ts, audited like every mutation.
import type { Context } from "../../core/context";
import { ForbiddenError } from "../../core/errors";
import { can } from "../../rbac/permissions";
import { createTRPCRouter } from "../../transport/trpc/init";
import { environmentName } from "../shared/environments";
import { resourceProcedure } from "../shared/procedure";
import { diskActions as actions, diskCli, systemPruneInput, usageInput } from "./contract";
import { previewSystemPrune, systemPrune } from "./system-prune";
import { diskUsageOf } from "./usage";

export const diskRouter = createTRPCRouter({
  /** docker system df, as totals by kind. */
  usage: resourceProcedure(actions.usage.permission)
    .input(usageInput)
    .query(async ({ ctx, input }) => ({
      ...(await diskUsageOf(ctx.services.fleet, input.environmentId)),
      cli: diskCli.usage(environmentName(ctx.services.fleet, input.environmentId)),
    })),

  /** What `prune` would remove now, kind by kind, and its command line. */
  prunePreview: resourceProcedure(actions.prune.permission)
    .input(systemPruneInput)
    .query(async ({ ctx, input }) => {
      refuseVolumesWithout(ctx, input);
      return {
        ...(await previewSystemPrune(ctx.services.fleet, input.environmentId, input)),
        cli: diskCli.prune(environmentName(ctx.services.fleet, input.environmentId), input),
      };
    }),

  prune: resourceProcedure(actions.prune.permission)
    .input(systemPruneInput)
    .mutation(async ({ ctx, input }) => {
      const cli = diskCli.prune(environmentName(ctx.services.fleet, input.environmentId), input);
      ctx.audit.target("environment", input.environmentId, environmentName(ctx.services.fleet, input.environmentId));
      ctx.audit.patch.params = { ...input, cli };
      refuseVolumesWithout(ctx, input);
      const result = await systemPrune(ctx.services.fleet, input.environmentId, input);
      ctx.audit.patch.params = { ...input, ...result, cli };
      return { ...result, cli };
    }),
});

/**
 * system.prune covers containers, networks, images and build cache; volumes hold data, so
 * pruning them too (--volumes) also needs volume.delete there, as removing one would.
 */
function refuseVolumesWithout(
  ctx: Context & { actor: NonNullable<Context["actor"]> },
  input: { environmentId: string; volumes: boolean },
): void {
  if (input.volumes && !can(ctx.actor.permissions, "volume.delete", input.environmentId)) {
    throw new ForbiddenError("Pruning volumes too needs volume.delete on this environment; prune without them.");
  }
}
