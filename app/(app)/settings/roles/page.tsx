import { RequirePermission } from "@/components/auth/require-permission";
import { RolesAdmin } from "@/components/roles/roles-admin";

export const metadata = { title: "Roles" };

export default function RolesPage() {
  return (
    <RequirePermission permission="role.manage">
      <RolesAdmin />
    </RequirePermission>
  );
}
