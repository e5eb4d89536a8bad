/** Stevedore's mark (public/logo.svg, the same drawing as the icons), decorative beside the name. */
export function Logo({ className = "size-7" }: { className?: string }) {
  // A plain <img>: an SVG needs no optimising, and it is cached like any static file.
  return <img src="/logo.svg" alt="" aria-hidden className={className} width={28} height={28} />;
}
