import { RequirePermission } from "@/components/auth/require-permission";
import { TeamsAdmin } from "@/components/teams/teams-admin";

export const metadata = { title: "Teams" };

export default function TeamsPage() {
  return (
    <RequirePermission permission="user.manage">
      <TeamsAdmin />
    </RequirePermission>
  );
}
