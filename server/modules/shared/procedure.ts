// The resource modules' procedure builder: the permission check of server/transport/trpc/init.ts, then
// the modules' typed errors turned into the matching API codes (a refusal the user can act on
// is always a 4xx).
import { TRPCError } from "@trpc/server";
import type { Permission } from "../../rbac/catalogue";
import { permittedProcedure } from "../../transport/trpc/init";
import { answerFor } from "../../core/errors";
import { ResourceError } from "./errors";

/** A module error's API code, by the one map (server/core/errors.ts). */
export function trpcCodeOf(error: ResourceError): TRPCError["code"] {
  return answerFor(error).trpc;
}

/** `permission` on the input's environment (see permittedProcedure); module errors as API codes. */
export function resourceProcedure(permission: Permission) {
  return permittedProcedure(permission).use(async ({ next }) => {
    const result = await next();
    if (!result.ok && result.error.cause instanceof ResourceError) {
      const cause = result.error.cause;
      throw new TRPCError({ code: trpcCodeOf(cause), message: cause.message, cause });
    }
    return result;
  });
}
