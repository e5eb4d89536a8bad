"use client";

import { useMutation } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useTRPC } from "../trpc";

export function SignOutButton() {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // A full load, so nothing of this user stays in the page's caches.
      onSettled: () => window.location.assign("/login"),
    }),
  );
  return (
    <button
      type="button"
      onClick={() => logout.mutate()}
      disabled={logout.isPending}
      className="flex w-full items-center gap-3 rounded-md px-3 py-2 text-sm text-fg hover:bg-hover disabled:opacity-60"
    >
      <LogOut aria-hidden className="size-4" />
      {logout.isPending ? "Signing out…" : "Sign out"}
    </button>
  );
}
