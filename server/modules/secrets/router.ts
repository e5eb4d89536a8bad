// secrets.* and configs.*: thin wiring of the contract to the domain. The permission is checked
// by the builder on the manager environment the input names; the audit event names the object;
// the module's typed errors become API codes here. A config's data needs config.data.read
// (configs.get). No procedure returns a secret's data, and its data is recorded nowhere (the
// audit redactor withholds any `data` field, and the events below record its size only).
import { TRPCError } from "@trpc/server";
import type { Permission } from "../../rbac/catalogue";
import { can } from "../../rbac/permissions";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { environmentName } from "../shared/environments";
import { ResourceError } from "../shared/errors";
import { trpcCodeOf } from "../shared/procedure";
import { readableClusters, type ClusterRead } from "../stacks/manage";
import { firstAnswers } from "../swarm/index";
import {
  createInput,
  listInput,
  objectActions,
  objectCli,
  objectTarget,
  rotateInput,
  ROTATE_ALSO_NEEDS,
  type SwarmObjectKind,
} from "./contract";
import { createObject, decodeData, listObjects, readConfig, removeObject, type SwarmObject } from "./objects";
import { rotateObject } from "./rotate";

/** `permission` on the input's environment; the module's errors as API codes (the swarm's: the builder's map). */
function objectProcedure(permission: Permission) {
  return permittedProcedure(permission).use(async ({ next }) => {
    const result = await next();
    if (result.ok) return result;
    const cause = result.error.cause;
    if (cause instanceof ResourceError) {
      throw new TRPCError({ code: trpcCodeOf(cause), message: cause.message, cause });
    }
    return result;
  });
}

function routerFor<K extends SwarmObjectKind>(kind: K) {
  const actions = objectActions[kind];
  return {
    /** Every secret (config) of every swarm the actor may read them on, with the services using each. */
    list: objectProcedure(actions.read.permission)
      .input(listInput)
      .query(async ({ ctx, input }) => {
        const wanted = input?.environmentIds ? new Set(input.environmentIds) : undefined;
        // Environments asked for by name and added a moment ago are waited for (their first answer).
        // Only those the caller may read: the wait would otherwise tell them another exists.
        if (wanted) {
          const scope = ctx.scope;
          await firstAnswers(ctx.services.fleet, scope === "all" ? wanted : [...wanted].filter((id) => scope.has(id)));
        }
        const clusters = readableClusters(ctx.services.fleet, ctx.scope === "all" ? "all" : ctx.scope, wanted);
        const items: SwarmObject[] = [];
        const errors: { environmentId: string; clusterId: string; message: string }[] = [];
        await Promise.all(
          clusters.map(async (cluster: ClusterRead) => {
            try {
              items.push(...(await listObjects(ctx.services.fleet, cluster.environmentId, kind)));
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

    create: objectProcedure(actions.create.permission)
      .input(createInput)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target(kind, null, input.name);
        const data = decodeData(input);
        const created = await createObject(ctx.services.fleet, input.environmentId, kind, {
          name: input.name,
          labels: input.labels,
          data,
        });
        ctx.audit.target(kind, created.id, created.name);
        ctx.audit.patch.params = { environmentId: input.environmentId, name: input.name, labels: input.labels, bytes: data.length };
        return { ...created, cli: objectCli.create(environmentName(ctx.services.fleet, input.environmentId), kind, input) };
      }),

    /** Refused while a service uses it, naming the services. */
    remove: objectProcedure(actions.remove.permission)
      .input(objectTarget)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target(kind, null, input.name);
        const removed = await removeObject(ctx.services.fleet, input.environmentId, kind, input.name);
        ctx.audit.target(kind, removed.id, removed.name);
        return {
          ok: true as const,
          cli: objectCli.remove(environmentName(ctx.services.fleet, input.environmentId), kind, removed.name),
        };
      }),

    /** A new version mounted where the old one was in every service using it; the old one removed once unused. */
    rotate: objectProcedure(actions.rotate.permission)
      .input(rotateInput)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target(kind, null, input.name);
        if (!can(ctx.actor.permissions, ROTATE_ALSO_NEEDS, input.environmentId)) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `Rotating updates the services that use the ${kind}: that needs the ${ROTATE_ALSO_NEEDS} permission here too.`,
          });
        }
        const data = decodeData(input);
        const rotation = await rotateObject(ctx.services.fleet, input.environmentId, {
          kind,
          name: input.name,
          newName: input.newName,
          data,
          waitMs: input.waitSeconds * 1000,
        });
        ctx.audit.target(kind, rotation.old.id, rotation.old.name);
        ctx.audit.patch.params = {
          environmentId: input.environmentId,
          name: input.name,
          newName: rotation.created.name,
          newId: rotation.created.id,
          bytes: data.length,
          services: rotation.services.map((s) => ({ service: s.service, updated: s.updated })),
          oldRemoved: rotation.oldRemoved,
        };
        const cli = objectCli.rotate(environmentName(ctx.services.fleet, input.environmentId), kind, {
          oldName: rotation.old.name,
          newName: rotation.created.name,
          labels: {},
          services: rotation.services.map((s) => ({ name: s.service, target: s.target })),
        });
        return { ...rotation, cli };
      }),
  };
}

export const secretsRouter = createTRPCRouter(routerFor("secret"));

export const configsRouter = createTRPCRouter({
  ...routerFor("config"),
  /**
   * A config with its data (as text when it is UTF-8). The data needs config.data.read: a
   * reader of the list (config.read) sees its name, labels, dates and users there, not this.
   */
  get: objectProcedure(objectActions.config.readData.permission)
    .input(objectTarget)
    .query(({ ctx, input }) => readConfig(ctx.services.fleet, input.environmentId, input.name)),
});
