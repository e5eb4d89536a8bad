import { redirect } from "next/navigation";
import { currentViewer } from "@/components/auth/session";
import { PageHeader } from "@/components/page-header";
import { ApiTokens } from "@/components/profile/api-tokens";
import { ChangePasswordForm } from "@/components/profile/change-password-form";
import { Sessions } from "@/components/profile/sessions";
import { TwoFactor } from "@/components/profile/two-factor";
import { Panel } from "@/components/ui/panel";

export const metadata = { title: "Profile" };

export default async function ProfilePage() {
  const viewer = await currentViewer();
  if (!viewer) redirect("/login");
  return (
    <>
      <PageHeader
        title="Profile"
        description={`Signed in as ${viewer.displayName ? `${viewer.displayName} (@${viewer.username})` : `@${viewer.username}`}.`}
      />
      <div className="max-w-4xl space-y-6">
        <Panel id="password" title="Password" description="Changing it signs out your other sessions.">
          <ChangePasswordForm username={viewer.username} />
        </Panel>
        <Panel id="two-factor" title="Two-factor sign-in" description="A code from your phone after your password.">
          <TwoFactor />
        </Panel>
        <Panel id="sessions" title="Sessions" description="Where you are signed in.">
          <Sessions />
        </Panel>
        <Panel
          id="api-tokens"
          title="API tokens"
          description="For scripts and automation: a token acts with your permissions."
        >
          <ApiTokens />
        </Panel>
      </div>
    </>
  );
}
