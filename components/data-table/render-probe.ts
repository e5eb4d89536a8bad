// A count of renders per component name, kept only while a test switches it on (it sets
// `window.__stevedoreRenderProbe = {}` before the page loads). Production builds have no
// profiler; this lets a browser test check that scrolling does not re-render the rows it drew.
declare global {
  interface Window {
    __stevedoreRenderProbe?: Record<string, number>;
  }
}

export function countRender(name: string): void {
  if (typeof window === "undefined") return;
  const probe = window.__stevedoreRenderProbe;
  if (probe) probe[name] = (probe[name] ?? 0) + 1;
}
