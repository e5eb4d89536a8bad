import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/profile/change-password-form";
import { currentViewer } from "@/components/auth/session";
import { SignOutButton } from "@/components/auth/sign-out-button";

export const metadata = { title: "Choose a new password" };

/** Where a user whose administrator asked for a new password lands, before anything else. */
export default async function ChangePasswordPage() {
  const viewer = await currentViewer();
  if (!viewer) redirect("/login");
  if (!viewer.mustChangePassword) redirect("/");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Choose a new password</h1>
      <p className="mb-5 text-sm text-muted">
        Hello {viewer.displayName || viewer.username}. Your administrator set the password you signed in with; choose
        one only you know before you go on.
      </p>
      <ChangePasswordForm then="home" username={viewer.username} />
      <div className="mt-5 border-t border-border pt-3">
        <SignOutButton />
      </div>
    </>
  );
}
