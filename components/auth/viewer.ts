import type { inferRouterOutputs } from "@trpc/server";
import type { Permission } from "@/server/rbac/catalogue";
import type { AppRouter } from "@/server/transport/trpc/root";

/** The signed-in user and what they may do, as auth.me answers. */
export type Viewer = NonNullable<inferRouterOutputs<AppRouter>["auth"]["me"]>;

/** Global permissions (user.manage, role.manage, ...) only ever live in `everywhere`. */
export function holdsEverywhere(viewer: Viewer, permission: Permission): boolean {
  return viewer.permissions.everywhere.includes(permission);
}

/** Held on every environment or on at least one: enough to see a list that filters. */
export function holdsSomewhere(viewer: Viewer, permission: Permission): boolean {
  return (
    holdsEverywhere(viewer, permission) ||
    Object.values(viewer.permissions.byEnvironment).some((list) => list.includes(permission))
  );
}
