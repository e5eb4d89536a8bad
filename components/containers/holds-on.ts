import type { Viewer } from "../auth/viewer";
import type { Permission } from "@/server/rbac/catalogue";

/** The viewer holds the permission on this environment (through a global or an environment binding). */
export function holdsOn(viewer: Viewer, permission: Permission, environmentId: string): boolean {
  return (
    viewer.permissions.everywhere.includes(permission) ||
    (viewer.permissions.byEnvironment[environmentId]?.includes(permission) ?? false)
  );
}
