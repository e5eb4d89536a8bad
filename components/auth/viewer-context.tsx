"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Viewer } from "./viewer";

const ViewerContext = createContext<Viewer | null>(null);

/** Hands the signed-in user, read once by the server layout, to client components. */
export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer() outside the signed-in layout");
  return viewer;
}
