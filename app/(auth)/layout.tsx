import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";

/** Signing in and the first setup: a centred card, no navigation. */
export default function SignedOutLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="mb-6 flex items-center justify-center gap-2 text-xl font-semibold tracking-tight">
          <Logo className="size-8" />
          Stevedore
        </p>
        <div className="rounded-lg border border-border bg-surface p-6 shadow-sm">{children}</div>
        <div className="mx-auto mt-6 w-56">
          <ThemeToggle />
        </div>
      </div>
    </main>
  );
}
