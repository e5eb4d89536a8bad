"use client";

import { Menu } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Logo } from "./logo";
import { Sidebar } from "./sidebar";

/**
 * The signed-in frame: the navigation (a sidebar from the lg breakpoint, a drawer behind a
 * menu button below it) and the main content. After a client-side navigation, focus moves to
 * the main content, as a full page load would put a screen reader at the top of it. While the
 * drawer is open the rest is inert, so focus stays in it.
 */
export function AppFrame({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(pathname);

  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    setDrawerOpen(false);
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  // Focus goes back to the menu button once the drawer has closed: while it is open the header
  // is inert, and an inert button cannot take focus.
  const refocusMenu = useRef(false);
  const closeDrawer = useCallback(() => {
    refocusMenu.current = true;
    setDrawerOpen(false);
  }, []);
  useEffect(() => {
    if (drawerOpen || !refocusMenu.current) return;
    refocusMenu.current = false;
    menuButton.current?.focus();
  }, [drawerOpen]);

  return (
    <div className="flex min-h-screen flex-col lg:flex-row">
      <header
        inert={drawerOpen}
        className="sticky top-0 z-30 flex items-center gap-2 border-b border-border bg-surface px-3 py-2 lg:hidden"
      >
        <button
          ref={menuButton}
          type="button"
          aria-label="Open navigation"
          aria-expanded={drawerOpen}
          aria-controls="main-navigation"
          onClick={() => setDrawerOpen(true)}
          className="inline-grid size-10 place-items-center rounded-md text-fg hover:bg-hover focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
        >
          <Menu aria-hidden className="size-5" />
        </button>
        <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight">
          <Logo />
          Stevedore
        </Link>
      </header>
      {drawerOpen ? <div aria-hidden className="fixed inset-0 z-40 bg-scrim lg:hidden" onClick={closeDrawer} /> : null}
      <Sidebar id="main-navigation" drawerOpen={drawerOpen} onCloseDrawer={closeDrawer} />
      <main
        id="main"
        ref={main}
        tabIndex={-1}
        inert={drawerOpen}
        className="min-w-0 flex-1 px-4 py-4 focus:outline-none sm:px-6 lg:px-8 lg:py-6"
      >
        {children}
      </main>
    </div>
  );
}
