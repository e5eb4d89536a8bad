import { AccessAdmin } from "@/components/access/access-admin";
import { RequirePermission } from "@/components/auth/require-permission";

export const metadata = { title: "Access" };

export default function AccessPage() {
  return (
    <RequirePermission permission="role.manage">
      <AccessAdmin />
    </RequirePermission>
  );
}
