import { ShieldX } from "lucide-react";
import { EmptyState } from "../empty-state";

/** Shown instead of a page, or part of one, that needs a permission the viewer lacks. */
export function NoPermission({ permission, children }: { permission: string; children?: string }) {
  return (
    <EmptyState icon={ShieldX} title={`You do not have permission (${permission})`}>
      {children ?? "Ask an administrator for a role that includes it."}
    </EmptyState>
  );
}
