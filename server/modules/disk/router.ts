// disk.*: an environment's disk use by kind, and the system prune after its preview; thin
// wiring of the contract to usage.ts and system-prune.ts, audited like every mutation.
import { createTRPCRouter } from "../../trpc/init";
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
    .query(async ({ ctx, input }) => ({
      ...(await previewSystemPrune(ctx.services.fleet, input.environmentId, input)),
      cli: diskCli.prune(environmentName(ctx.services.fleet, input.environmentId), input),
    })),

  prune: resourceProcedure(actions.prune.permission)
    .input(systemPruneInput)
    .mutation(async ({ ctx, input }) => {
      const cli = diskCli.prune(environmentName(ctx.services.fleet, input.environmentId), input);
      ctx.audit.target("environment", input.environmentId, environmentName(ctx.services.fleet, input.environmentId));
      ctx.audit.patch.params = { ...input, cli };
      const result = await systemPrune(ctx.services.fleet, input.environmentId, input);
      ctx.audit.patch.params = { ...input, ...result, cli };
      return { ...result, cli };
    }),
});
