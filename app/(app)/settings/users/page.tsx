import { RequirePermission } from "@/components/auth/require-permission";
import { UsersAdmin } from "@/components/users/users-admin";

export const metadata = { title: "Users" };

export default function UsersPage() {
  return (
    <RequirePermission permission="user.manage">
      <UsersAdmin />
    </RequirePermission>
  );
}
