// networks.*: thin wiring of the contract to the domain. Permissions in the builders; what
// needs host access (macvlan, ipvlan) judged in the domain.
import { fleetListProcedure } from "../fleet/lists.procedure";
import { createTRPCRouter } from "../../transport/trpc/init";
import { environmentName } from "../shared/environments";
import { resourceProcedure } from "../shared/procedure";
import {
  connectInput,
  createNetworkInput,
  disconnectInput,
  networkActions as actions,
  networkCli,
  networkTarget,
  pruneNetworksInput,
  removeNetworkInput,
} from "./contract";
import {
  connectContainer,
  createNetwork,
  disconnectContainer,
  networkDetail,
  previewNetworkPrune,
  pruneNetworks,
  removeNetwork,
} from "./networks";

export const networksRouter = createTRPCRouter({
  list: fleetListProcedure("networks", "network.read"),

  get: resourceProcedure("network.read")
    .input(networkTarget)
    .query(({ ctx, input }) => networkDetail(ctx.services.fleet, input.environmentId, input.network)),

  create: resourceProcedure(actions.create.permission)
    .input(createNetworkInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("network", input.name, input.name);
      const created = await createNetwork(ctx.services.fleet, ctx.actor.permissions, input);
      ctx.audit.target("network", created.id, created.name);
      return { ...created, cli: networkCli.create(environmentName(ctx.services.fleet, input.environmentId), input) };
    }),

  /** Refused while containers or services use it, naming them. */
  remove: resourceProcedure(actions.remove.permission)
    .input(removeNetworkInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("network", input.network, input.network);
      const removed = await removeNetwork(ctx.services.fleet, input.environmentId, input.network);
      ctx.audit.target("network", removed.id, removed.name);
      return {
        ok: true as const,
        cli: networkCli.remove(environmentName(ctx.services.fleet, input.environmentId), removed.name),
      };
    }),

  prunePreview: resourceProcedure(actions.prune.permission)
    .input(pruneNetworksInput)
    .query(({ ctx, input }) => previewNetworkPrune(ctx.services.fleet, input.environmentId)),

  prune: resourceProcedure(actions.prune.permission)
    .input(pruneNetworksInput)
    .mutation(async ({ ctx, input }) => {
      const result = await pruneNetworks(ctx.services.fleet, input.environmentId);
      ctx.audit.patch.params = { ...input, deleted: result.deleted };
      return { ...result, cli: networkCli.prune(environmentName(ctx.services.fleet, input.environmentId)) };
    }),

  connect: resourceProcedure(actions.connect.permission)
    .input(connectInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("network", input.network, input.network);
      const done = await connectContainer(ctx.services.fleet, input);
      ctx.audit.target("network", done.network.id, done.network.name);
      ctx.audit.patch.params = { ...input, container: done.container.name };
      return {
        ...done,
        cli: networkCli.connect(environmentName(ctx.services.fleet, input.environmentId), {
          ...input,
          network: done.network.name,
          container: done.container.name,
        }),
      };
    }),

  disconnect: resourceProcedure(actions.disconnect.permission)
    .input(disconnectInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target("network", input.network, input.network);
      const done = await disconnectContainer(ctx.services.fleet, input);
      ctx.audit.target("network", done.network.id, done.network.name);
      ctx.audit.patch.params = { ...input, container: done.container.name };
      return {
        ...done,
        cli: networkCli.disconnect(environmentName(ctx.services.fleet, input.environmentId), {
          ...input,
          network: done.network.name,
          container: done.container.name,
        }),
      };
    }),
});
