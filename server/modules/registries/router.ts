// registries.*: thin wiring of the contract to the domain (registries.ts); every procedure's
// permission is in its builder, and the password in an input is redacted from the record.
import { createTRPCRouter } from "../../transport/trpc/init";
import { resourceProcedure } from "../shared/procedure";
import {
  createRegistryInput,
  registryActions as actions,
  registryId,
  repositoriesInput,
  tagsInput,
  updateRegistryInput,
} from "./contract";
import {
  clientFor,
  createRegistry,
  listRegistries,
  removeRegistry,
  retestRegistry,
  updateRegistry,
} from "./registries";
import { z } from "zod";

const byId = z.object({ id: registryId }).strict();

async function withClient<T>(
  deps: Parameters<typeof clientFor>[0],
  id: string,
  fn: (client: Awaited<ReturnType<typeof clientFor>>["client"]) => Promise<T>,
): Promise<T> {
  const { client } = await clientFor(deps, id);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export const registriesRouter = createTRPCRouter({
  /** Every saved registry, without passwords (whether one is saved, and how the last test went). */
  list: resourceProcedure(actions.list.permission).query(({ ctx }) => listRegistries(ctx.services)),

  /** The registries one may pull and push with: names and addresses only. */
  usable: resourceProcedure(actions.usable.permission).query(async ({ ctx }) =>
    (await listRegistries(ctx.services)).map(({ id, name, url, host, username }) => ({
      id,
      name,
      url,
      host,
      authenticated: Boolean(username),
    })),
  ),

  create: resourceProcedure(actions.create.permission)
    .input(createRegistryInput)
    .mutation(async ({ ctx, input }) => {
      const { saveUntested, ...fields } = input;
      const view = await createRegistry(ctx.services, fields, { saveUntested });
      ctx.audit.target("registry", view.id, view.name);
      return view;
    }),

  update: resourceProcedure(actions.update.permission)
    .input(updateRegistryInput)
    .mutation(async ({ ctx, input }) => {
      const { saveUntested, ...fields } = input;
      const view = await updateRegistry(ctx.services, fields, { saveUntested });
      ctx.audit.target("registry", view.id, view.name);
      return view;
    }),

  remove: resourceProcedure(actions.remove.permission)
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      const view = await removeRegistry(ctx.services, input.id);
      ctx.audit.target("registry", view.id, view.name);
      return { ok: true as const };
    }),

  /** Asks the registry again; the answer (and the saved registry's last test) says what failed. */
  test: resourceProcedure(actions.test.permission)
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      const view = await retestRegistry(ctx.services, input.id);
      ctx.audit.target("registry", view.id, view.name);
      return view;
    }),

  repositories: resourceProcedure(actions.repositories.permission)
    .input(repositoriesInput)
    .query(({ ctx, input }) =>
      withClient(ctx.services, input.id, (client) =>
        client.repositories({ n: input.n, ...(input.last ? { last: input.last } : {}) }),
      ),
    ),

  tags: resourceProcedure(actions.tags.permission)
    .input(tagsInput)
    .query(async ({ ctx, input }) => ({
      repository: input.repository,
      tags: await withClient(ctx.services, input.id, (client) => client.tags(input.repository)),
    })),
});
