// Environments: Docker endpoints. Saving one tests the connection first and says precisely
// what failed; keys are sealed at rest and never sent back; status comes from the fleet.
import { z } from "zod";
import { env } from "../../env";
import { localSocketState } from "../../environments/local-socket";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { NotFoundError } from "../../core/errors";
import { id, name } from "../../core/refs";
import { connection, organisation } from "./contract";
import {
  checkConnection,
  createEnvironment,
  environmentNamedFor,
  getEnvironment,
  listEnvironments,
  removeEnvironment,
  setEnvironmentPaused,
  updateEnvironment,
} from "./environments";

export const environmentsRouter = createTRPCRouter({
  /** Only the environments the caller may read, each with its live status. */
  list: permittedProcedure("environment.read").query(({ ctx }) => listEnvironments(ctx.services, ctx.scope)),

  get: permittedProcedure("environment.read")
    .input(z.object({ environmentId: id }))
    .query(({ ctx, input }) => getEnvironment(ctx.services, input.environmentId)),

  /** The local engine's socket, offered as an environment when it is usable and not added yet. */
  localSocket: permittedProcedure("environment.manage", { everywhere: true }).query(async ({ ctx }) => {
    const path = env().STEVEDORE_LOCAL_SOCKET;
    const url = `unix://${path}`;
    return { url, state: await localSocketState(path), addedAs: await environmentNamedFor(ctx.services, url) };
  }),

  /** Tests a connection without saving anything. */
  test: permittedProcedure("environment.manage", { everywhere: true })
    .input(connection)
    .mutation(({ input }) => checkConnection(input, "connection test")),

  create: permittedProcedure("environment.manage", { everywhere: true })
    .input(connection.extend({ name, ...organisation, skipTest: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => createEnvironment(ctx.services, input, ctx.audit)),

  /** Changes name, organisation or connection (a new connection is tested first). Pointing an
   * environment elsewhere is as strong as adding one: a manager of this environment alone could
   * otherwise reach any engine the server can, so `connection` needs environment.manage everywhere. */
  update: permittedProcedure("environment.manage", {
    everywhereFor: { field: "connection", what: "Changing an environment's connection (URL, TLS or ssh keys)" },
  })
    .input(
      z.object({
        environmentId: id,
        name: name.optional(),
        tags: organisation.tags.optional(),
        group: organisation.group,
        connection: connection.optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateEnvironment(ctx.services, input)),

  /** Stops polling an environment (no errors while paused), or starts again. */
  setPaused: permittedProcedure("environment.manage")
    .input(z.object({ environmentId: id, paused: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({
      status: await setEnvironmentPaused(ctx.services, input.environmentId, input.paused),
    })),

  /** Checks one environment now, instead of waiting for the next retry. */
  probe: permittedProcedure("environment.read")
    .input(z.object({ environmentId: id }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.services.fleet.has(input.environmentId)) {
        throw new NotFoundError("No such environment.");
      }
      return { status: await ctx.services.fleet.probe(input.environmentId) };
    }),

  remove: permittedProcedure("environment.manage")
    .input(z.object({ environmentId: id }))
    .mutation(async ({ ctx, input }) => {
      await removeEnvironment(ctx.services, input.environmentId);
      return { ok: true };
    }),
});
