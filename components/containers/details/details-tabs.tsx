"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useRef } from "react";
import { detailsHref } from "./format";

export const DETAIL_TABS = [
  { segment: "", label: "Overview" },
  { segment: "logs", label: "Logs" },
  { segment: "stats", label: "Stats" },
  { segment: "processes", label: "Processes" },
  { segment: "changes", label: "Changes" },
  { segment: "files", label: "Files" },
  { segment: "inspect", label: "Inspect" },
  { segment: "console", label: "Console" },
] as const;

/**
 * The details tabs are links (each tab has its own URL, so it can be bookmarked and shared);
 * Tab reaches the strip, arrow keys, Home and End move along it, Enter opens a tab.
 */
export function DetailsTabs({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const pathname = usePathname();
  const base = detailsHref(environmentId, containerId);
  const rest = decodeURIComponent(pathname).startsWith(decodeURIComponent(base))
    ? decodeURIComponent(pathname).slice(decodeURIComponent(base).length)
    : "";
  const active = rest.replace(/^\//, "").split("/")[0] ?? "";
  const strip = useRef<HTMLElement>(null);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const links = [...(strip.current?.querySelectorAll<HTMLAnchorElement>("a") ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    const to =
      event.key === "ArrowRight"
        ? (at + 1) % links.length
        : event.key === "ArrowLeft"
          ? (at - 1 + links.length) % links.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? links.length - 1
              : null;
    if (to === null) return;
    event.preventDefault();
    links[to]?.focus();
  };

  return (
    <nav
      ref={strip}
      aria-label="Container details"
      onKeyDown={onKeyDown}
      className="flex gap-1 overflow-x-auto border-b border-border"
    >
      {DETAIL_TABS.map((tab) => {
        const current = tab.segment === active;
        return (
          <Link
            key={tab.segment || "overview"}
            href={detailsHref(environmentId, containerId, tab.segment)}
            aria-current={current ? "page" : undefined}
            className={`border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:rounded-t focus-visible:outline-2 focus-visible:outline-ring ${
              current
                ? "border-primary-fg text-primary-fg"
                : "border-transparent text-muted hover:border-border-strong hover:text-fg"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
