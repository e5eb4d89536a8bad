"use client";

import { X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { useViewer } from "./auth/viewer-context";
import { holdsSomewhere } from "./auth/viewer";
import { Logo } from "./logo";
import { navItems } from "./nav-items";
import { NavLink } from "./nav-link";
import { ThemeToggle } from "./theme-toggle";
import { UserBox } from "./user-box";

/**
 * The main navigation: always shown from the lg breakpoint; below it, a drawer shown while
 * `drawerOpen` (Escape or the close button closes it, focus starts inside it).
 */
export function Sidebar({
  id,
  drawerOpen,
  onCloseDrawer,
}: {
  id: string;
  drawerOpen: boolean;
  onCloseDrawer: () => void;
}) {
  const pathname = usePathname();
  const viewer = useViewer();
  const ref = useRef<HTMLElement>(null);
  const items = navItems.filter(
    (item) => item.needs.length === 0 || item.needs.some((permission) => holdsSomewhere(viewer, permission)),
  );

  useEffect(() => {
    if (!drawerOpen) return;
    ref.current?.querySelector<HTMLElement>("a[href], button")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCloseDrawer();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [drawerOpen, onCloseDrawer]);

  return (
    <nav
      id={id}
      ref={ref}
      aria-label="Main"
      className={`${drawerOpen ? "flex" : "hidden"} fixed inset-y-0 left-0 z-50 w-64 max-w-[85vw] shrink-0 flex-col border-r border-border bg-surface shadow-xl lg:sticky lg:top-0 lg:z-auto lg:flex lg:h-screen lg:w-60 lg:shadow-none`}
    >
      <div className="flex items-center justify-between">
        <Link href="/" className="flex items-center gap-2 px-5 py-4 text-lg font-semibold tracking-tight">
          <Logo />
          Stevedore
        </Link>
        <button
          type="button"
          aria-label="Close navigation"
          onClick={onCloseDrawer}
          className="mr-2 inline-grid size-10 place-items-center rounded-md text-fg hover:bg-hover focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none lg:hidden"
        >
          <X aria-hidden className="size-5" />
        </button>
      </div>
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
      <div className="space-y-3 border-t border-border p-3">
        <UserBox active={pathname.startsWith("/profile")} />
        <ThemeToggle />
      </div>
    </nav>
  );
}
