import { RequirePermission } from "@/components/auth/require-permission";
import { RolePage } from "@/components/roles/role-page";

export const metadata = { title: "Role" };

export default async function EditRolePage({ params }: { params: Promise<{ roleId: string }> }) {
  const { roleId } = await params;
  return (
    <RequirePermission permission="role.manage">
      <RolePage roleId={roleId} />
    </RequirePermission>
  );
}
