import { RequirePermission } from "@/components/auth/require-permission";
import { RoleEditor } from "@/components/roles/role-editor";

export const metadata = { title: "New role" };

export default function NewRolePage() {
  return (
    <RequirePermission permission="role.manage">
      <section aria-labelledby="role-heading" className="space-y-4">
        <h2 id="role-heading" className="text-lg font-semibold">
          New role
        </h2>
        <RoleEditor />
      </section>
    </RequirePermission>
  );
}
