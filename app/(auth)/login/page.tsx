import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentViewer, needsSetup } from "@/components/auth/session";

export const metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await currentViewer()) redirect("/");
  if (await needsSetup()) redirect("/setup");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mb-5 text-sm text-muted">Use the account your administrator gave you.</p>
      <LoginForm />
    </>
  );
}
