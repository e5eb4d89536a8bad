"use client";

import { useSyncExternalStore } from "react";

const never = () => () => undefined;

/**
 * False in the server's render and while the page hydrates, true once React runs the page.
 * A form whose submit is pressed before then is sent by the browser itself, as a GET with its
 * fields in the address (a password in the history and the logs): such buttons wait for this.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
