// The fleet lists' procedures: `<kind>.list` with its permission and input (./lists.ts answers).
import { z } from "zod";
import type { ResourceKind } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import { permittedProcedure } from "../../transport/trpc/init";
import { answerFleetList, environmentsInScope } from "./lists";

export { answerFleetList, environmentsInScope, STALE_AFTER_MS } from "./lists";

export const fleetListInput = z
  .object({ environmentIds: z.array(z.string().min(1).max(64)).max(500).optional() })
  .optional();

/** `<kind>.list` with the permission that reads that kind. */
export function fleetListProcedure<K extends ResourceKind>(kind: K, permission: Permission) {
  return permittedProcedure(permission)
    .input(fleetListInput)
    .query(({ ctx, input }) =>
      answerFleetList(ctx.services, kind, environmentsInScope(ctx.services, ctx.scope, input?.environmentIds)),
    );
}
