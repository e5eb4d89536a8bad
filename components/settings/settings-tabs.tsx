"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { GlobalPermission } from "@/server/rbac/catalogue";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";

const tabs: { href: string; label: string; needs: GlobalPermission }[] = [
  { href: "/settings", label: "General", needs: "settings.manage" },
  { href: "/settings/users", label: "Users", needs: "user.manage" },
  { href: "/settings/teams", label: "Teams", needs: "user.manage" },
  { href: "/settings/roles", label: "Roles", needs: "role.manage" },
  { href: "/settings/access", label: "Access", needs: "role.manage" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  const viewer = useViewer();
  const visible = tabs.filter((tab) => holdsEverywhere(viewer, tab.needs));
  if (visible.length === 0) return null;
  return (
    <nav aria-label="Settings" className="mb-6 border-b border-border">
      <ul className="-mb-px flex flex-wrap gap-1">
        {visible.map(({ href, label }) => {
          const active = href === "/settings" ? pathname === href : pathname.startsWith(href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`block border-b-2 px-3 py-2 text-sm ${
                  active
                    ? "border-primary-fg font-medium text-primary-strong"
                    : "border-transparent text-muted hover:border-border-strong hover:text-fg"
                }`}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
