// The resource modules' procedure builder: the permission check of server/trpc/init.ts, then
// the modules' typed errors turned into the matching API codes (a refusal the user can act on
// is always a 4xx).
import { TRPCError } from "@trpc/server";
import type { Permission } from "../../rbac/catalogue";
import { permittedProcedure } from "../../trpc/init";
import { ResourceError, type ResourceErrorCode } from "./errors";

const codes: Record<ResourceErrorCode, TRPCError["code"]> = {
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  "in-use": "CONFLICT",
  "bad-input": "BAD_REQUEST",
  forbidden: "FORBIDDEN",
  rejected: "BAD_REQUEST",
};

export function trpcCodeOf(error: ResourceError): TRPCError["code"] {
  return codes[error.code];
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
