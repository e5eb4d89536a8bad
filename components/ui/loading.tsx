/** What a list shows while its data is on the way. */
export function Loading({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2 py-2">
      <span className="sr-only">{label}</span>
      <div aria-hidden className="h-4 w-2/3 animate-pulse rounded bg-hover" />
      <div aria-hidden className="h-4 w-1/2 animate-pulse rounded bg-hover" />
      <div aria-hidden className="h-4 w-3/5 animate-pulse rounded bg-hover" />
    </div>
  );
}
