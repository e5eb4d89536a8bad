import { redirect } from "next/navigation";
import { needsSetup } from "@/components/auth/session";
import { SetupForm } from "@/components/auth/setup-form";

export const metadata = { title: "Set up" };

/** Open once, on the first start: afterwards the first administrator exists and this page is gone. */
export default async function SetupPage() {
  if (!(await needsSetup())) redirect("/login");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Welcome to Stevedore</h1>
      <p className="mb-5 text-sm text-muted">
        Create the first administrator. There is no default account: this one can do everything, including adding
        everyone else. To prove this install is yours, enter the one-time setup code the server printed when it started.
      </p>
      <SetupForm />
    </>
  );
}
