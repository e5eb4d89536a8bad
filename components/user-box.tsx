"use client";

import { UserRound } from "lucide-react";
import { useViewer } from "./auth/viewer-context";
import { SignOutButton } from "./auth/sign-out-button";
import { NavLink } from "./nav-link";

/** Who is signed in, with the way to their profile and out. */
export function UserBox({ active }: { active: boolean }) {
  const viewer = useViewer();
  const name = viewer.displayName || viewer.username;
  return (
    <section aria-label="Signed in" className="space-y-1">
      <div className="flex items-center gap-2 px-1">
        <span
          aria-hidden
          className="grid size-8 shrink-0 place-items-center rounded-full bg-neutral-soft text-sm font-semibold text-neutral-strong uppercase"
        >
          {name.slice(0, 1)}
        </span>
        <div className="min-w-0 text-sm leading-tight">
          <p data-testid="signed-in-user" className="truncate font-medium">
            {name}
          </p>
          <p className="truncate text-xs text-subtle">@{viewer.username}</p>
        </div>
      </div>
      <NavLink href="/profile" label="Profile" icon={UserRound} active={active} />
      <SignOutButton />
    </section>
  );
}
