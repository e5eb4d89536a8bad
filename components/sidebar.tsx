"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { navItems } from "./nav-items";
import { ThemeToggle } from "./theme-toggle";

export function Sidebar() {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Main"
      className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <Link href="/" className="flex items-center gap-2 px-5 py-4 text-lg font-semibold tracking-tight">
        <span aria-hidden className="grid size-7 place-items-center rounded-md bg-sky-600 text-sm text-white">
          S
        </span>
        Stevedore
      </Link>
      <ul className="flex flex-1 flex-col gap-0.5 px-2">
        {navItems.map(({ href, label, icon: Icon }) => {
          const active = href === "/" ? pathname === "/" : pathname.startsWith(href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm ${
                  active
                    ? "bg-sky-50 font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-200"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                }`}
              >
                <Icon aria-hidden className="size-4" />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="border-t border-slate-200 p-3 dark:border-slate-800">
        <ThemeToggle />
      </div>
    </nav>
  );
}
