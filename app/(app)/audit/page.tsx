import { Suspense } from "react";
import { AuditView } from "@/components/audit/audit-view";
import { RequirePermission } from "@/components/auth/require-permission";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <RequirePermission permission="audit.read">
      {/* The filters come from the query string, which is only known in the browser. */}
      <Suspense fallback={<Loading label="Loading the audit trail…" />}>
        <AuditView />
      </Suspense>
    </RequirePermission>
  );
}
