import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppFrame } from "@/components/app-frame";
import { EnrolTwoFactorBanner } from "@/components/auth/enrol-two-factor-banner";
import { currentViewer, needsSetup } from "@/components/auth/session";
import { ViewerProvider } from "@/components/auth/viewer-context";
import { SkipLink } from "@/components/skip-link";

/** Every page in here is for signed-in users; everyone else is sent to sign in (or to set up). */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const viewer = await currentViewer();
  if (!viewer) redirect((await needsSetup()) ? "/setup" : "/login");
  // An administrator asked for a new password: nothing else until it is chosen (the API agrees).
  if (viewer.mustChangePassword) redirect("/change-password");
  return (
    <ViewerProvider viewer={viewer}>
      <SkipLink />
      <AppFrame>
        {viewer.mustEnrollTotp ? <EnrolTwoFactorBanner /> : null}
        {children}
      </AppFrame>
    </ViewerProvider>
  );
}
