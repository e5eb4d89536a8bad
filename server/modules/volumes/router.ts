// volumes.*: thin wiring of the contract to the domain. Permissions in the builders; host
// access (driver options, the files of a volume that reaches the host) judged by the workload
// policy in the domain.
import { fleetListProcedure, environmentsInScope } from "../fleet/lists.procedure";
import { createTRPCRouter } from "../../transport/trpc/init";
import { engineSocketPaths, environmentName } from "../shared/environments";
import { resourceProcedure } from "../shared/procedure";
import {
  createVolumeInput,
  filesInput,
  pruneVolumesInput,
  removeVolumeInput,
  usageInput,
  volumeActions as actions,
  volumeCli,
  volumeTarget,
} from "./contract";
import { listVolumeFolder } from "./files";
import { createVolume, previewVolumePrune, pruneVolumes, removeVolume, volumeDetail, volumeSizes } from "./volumes";

export const volumesRouter = createTRPCRouter({
  list: fleetListProcedure("volumes", "volume.read"),

  get: resourceProcedure("volume.read")
    .input(volumeTarget)
    .query(({ ctx, input }) => volumeDetail(ctx.services.fleet, input.environmentId, input.name)),

  /** Sizes where the engine reports them (`docker system df -v`), per environment; slow on big hosts. */
  usage: resourceProcedure("volume.read")
    .input(usageInput)
    .query(async ({ ctx, input }) => {
      const ids = environmentsInScope(ctx.services, ctx.scope, input?.environmentIds);
      const result = await ctx.services.fleet.fanOut(
        ids,
        async (_docker, _signal, environmentId) => volumeSizes(ctx.services.fleet, environmentId),
        { deadlineMs: 60_000, name: "volume sizes" },
      );
      return {
        items: result.items.flatMap(({ environmentId, data }) => data.map((v) => ({ ...v, environmentId }))),
        errors: result.errors,
      };
    }),

  create: resourceProcedure(actions.create.permission)
    .input(createVolumeInput)
    .mutation(async ({ ctx, input }) => {
      const socketPaths = await engineSocketPaths(ctx.services.prisma, input.environmentId);
      const created = await createVolume(
        ctx.services.fleet,
        ctx.actor.permissions,
        input.environmentId,
        input,
        socketPaths,
      );
      ctx.audit.target("volume", created.name, created.name);
      return {
        ...created,
        cli: volumeCli.create(environmentName(ctx.services.fleet, input.environmentId), input),
      };
    }),

  /** Refused while containers use it, naming them. */
  remove: resourceProcedure(actions.remove.permission)
    .input(removeVolumeInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("volume", input.name, input.name);
      await removeVolume(ctx.services.fleet, input.environmentId, input.name);
      return {
        ok: true as const,
        cli: volumeCli.remove(environmentName(ctx.services.fleet, input.environmentId), input.name),
      };
    }),

  prunePreview: resourceProcedure(actions.prune.permission)
    .input(pruneVolumesInput)
    .query(({ ctx, input }) => previewVolumePrune(ctx.services.fleet, input.environmentId, input.all)),

  prune: resourceProcedure(actions.prune.permission)
    .input(pruneVolumesInput)
    .mutation(async ({ ctx, input }) => {
      const result = await pruneVolumes(ctx.services.fleet, input.environmentId, input.all);
      ctx.audit.patch.params = { ...input, deleted: result.deleted, bytesFreed: result.bytesFreed };
      return { ...result, cli: volumeCli.prune(environmentName(ctx.services.fleet, input.environmentId), input.all) };
    }),

  /** A folder of the volume, read through a helper container that is removed straight after. */
  files: resourceProcedure(actions.browse.permission)
    .input(filesInput)
    .query(async ({ ctx, input }) =>
      listVolumeFolder(
        {
          fleet: ctx.services.fleet,
          permissions: ctx.actor.permissions,
          environmentId: input.environmentId,
          volume: input.name,
          socketPaths: await engineSocketPaths(ctx.services.prisma, input.environmentId),
        },
        input.path,
      ),
    ),
});
