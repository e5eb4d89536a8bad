"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { paramsFromView, viewFromParams, type ListView, type ViewSpec } from "./url-view";

/** Browsers refuse (Safari throws) more than about 100 history writes in 30 s: at most one per pause. */
const URL_WRITE_DELAY_MS = 250;

/**
 * A list's view (search, filters, sort), held in the page and mirrored to the URL. A keystroke
 * changes the view at once, in the browser; the URL follows a moment later through
 * `history.replaceState`, which Next's router adopts without asking the server for anything
 * (`router.replace` would render the page on the server again: one round trip per keystroke).
 * A navigation to other parameters (a link, back and forward) is adopted in turn.
 */
export function useUrlView<F extends string>(spec: ViewSpec<F>) {
  const params = useSearchParams();
  const current = params.toString();
  const [view, setViewState] = useState(() => viewFromParams(spec, new URLSearchParams(current)));
  // The query string last seen from the router, and the last one this hook wrote itself.
  const [seen, setSeen] = useState(current);
  const [written, setWritten] = useState(current);
  if (current !== seen) {
    setSeen(current);
    // Our own write coming back is no news; anything else is a navigation to adopt.
    if (current !== written) {
      setWritten(current);
      setViewState(viewFromParams(spec, new URLSearchParams(current)));
    }
  }

  useEffect(() => {
    const timer = setTimeout(() => {
      const next = paramsFromView(spec, view, new URLSearchParams(window.location.search));
      if (next === window.location.search || (next === "" && window.location.search === "")) return;
      setWritten(next.replace(/^\?/, ""));
      // `null`, not the current state: Next only follows writes that do not carry its own marker.
      window.history.replaceState(null, "", `${window.location.pathname}${next}${window.location.hash}`);
    }, URL_WRITE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [spec, view]);

  const setView = useCallback(
    (patch: Partial<ListView<F>> | ((view: ListView<F>) => ListView<F>)) =>
      setViewState((old) => (typeof patch === "function" ? patch(old) : { ...old, ...patch })),
    [],
  );
  const setFilter = useCallback(
    (key: F, value: string) => setViewState((old) => ({ ...old, filters: { ...old.filters, [key]: value } })),
    [],
  );
  return { view, setView, setFilter };
}
