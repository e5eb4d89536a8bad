import type { ReactNode } from "react";
import type { GlobalPermission } from "@/server/rbac/catalogue";
import { NoPermission } from "../ui/no-permission";
import { currentViewer } from "./session";
import { holdsEverywhere } from "./viewer";

/** A page (or part) for holders of a global permission; everyone else is told what they lack. */
export async function RequirePermission({
  permission,
  children,
}: {
  permission: GlobalPermission;
  children: ReactNode;
}) {
  const viewer = await currentViewer();
  if (!viewer || !holdsEverywhere(viewer, permission)) return <NoPermission permission={permission} />;
  return children;
}
