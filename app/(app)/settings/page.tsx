import { redirect } from "next/navigation";
import { RequirePermission } from "@/components/auth/require-permission";
import { currentViewer } from "@/components/auth/session";
import { holdsEverywhere } from "@/components/auth/viewer";
import { AuditRetentionSetting } from "@/components/settings/audit-retention";
import { ConsoleRecordingSetting } from "@/components/settings/console-recording";
import { RequireTwoFactorSetting } from "@/components/settings/require-two-factor";
import { Panel } from "@/components/ui/panel";

export const metadata = { title: "Settings" };

export default async function GeneralSettingsPage() {
  const viewer = await currentViewer();
  // The Settings link leads here; someone who manages people but not the instance lands on their part.
  if (viewer && !holdsEverywhere(viewer, "settings.manage")) {
    if (holdsEverywhere(viewer, "user.manage")) redirect("/settings/users");
    if (holdsEverywhere(viewer, "role.manage")) redirect("/settings/roles");
  }
  return (
    <RequirePermission permission="settings.manage">
      <div className="max-w-3xl space-y-6">
        <Panel title="Sign-in" description="How people prove who they are.">
          <RequireTwoFactorSetting />
        </Panel>
        <Panel title="Audit trail" description="How long the record is kept.">
          <AuditRetentionSetting />
        </Panel>
        <Panel title="Console recordings" description="What a recorded console session keeps.">
          <ConsoleRecordingSetting />
        </Panel>
      </div>
    </RequirePermission>
  );
}
