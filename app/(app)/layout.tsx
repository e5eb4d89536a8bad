import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { EnrolTwoFactorBanner } from "@/components/auth/enrol-two-factor-banner";
import { currentViewer, needsSetup } from "@/components/auth/session";
import { ViewerProvider } from "@/components/auth/viewer-context";
import { Sidebar } from "@/components/sidebar";
import { SkipLink } from "@/components/skip-link";

/** Every page in here is for signed-in users; everyone else is sent to sign in (or to set up). */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const viewer = await currentViewer();
  if (!viewer) redirect((await needsSetup()) ? "/setup" : "/login");
  return (
    <ViewerProvider viewer={viewer}>
      <SkipLink />
      <div className="flex min-h-screen">
        <Sidebar />
        <main id="main" className="min-w-0 flex-1 px-8 py-6">
          {viewer.mustEnrollTotp ? <EnrolTwoFactorBanner /> : null}
          {children}
        </main>
      </div>
    </ViewerProvider>
  );
}
