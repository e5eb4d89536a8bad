"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useViewer } from "./auth/viewer-context";
import { holdsSomewhere } from "./auth/viewer";
import { Logo } from "./logo";
import { navItems } from "./nav-items";
import { NavLink } from "./nav-link";
import { ThemeToggle } from "./theme-toggle";
import { UserBox } from "./user-box";

export function Sidebar() {
  const pathname = usePathname();
  const viewer = useViewer();
  const items = navItems.filter(
    (item) => item.needs.length === 0 || item.needs.some((permission) => holdsSomewhere(viewer, permission)),
  );
  return (
    <nav
      aria-label="Main"
      className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <Link href="/" className="flex items-center gap-2 px-5 py-4 text-lg font-semibold tracking-tight">
        <Logo />
        Stevedore
      </Link>
      <ul className="flex flex-1 flex-col gap-0.5 overflow-y-auto px-2">
        {items.map(({ href, label, icon }) => (
          <li key={href}>
            <NavLink
              href={href}
              label={label}
              icon={icon}
              active={href === "/" ? pathname === "/" : pathname.startsWith(href)}
            />
          </li>
        ))}
      </ul>
      <div className="space-y-3 border-t border-slate-200 p-3 dark:border-slate-800">
        <UserBox active={pathname.startsWith("/profile")} />
        <ThemeToggle />
      </div>
    </nav>
  );
}
