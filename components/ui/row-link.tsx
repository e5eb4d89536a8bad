"use client";

// A link for table rows, which scroll into view by the dozen per frame: a plain <a> that the
// app's router follows on a plain click (so no page load), while middle-click, a modifier key
// or "open in new tab" stay the browser's. Next's <Link> keeps per-link state and effects that
// a row drawn for a moment does not need; it never prefetches here either.
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

export function RowLink({ href, onClick, ...props }: ComponentProps<"a"> & { href: string }) {
  const router = useRouter();
  return (
    <a
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0) return;
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        if (props.target && props.target !== "_self") return;
        event.preventDefault();
        router.push(href);
      }}
      {...props}
    />
  );
}
