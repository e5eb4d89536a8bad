"use client";

import type { LucideIcon } from "lucide-react";

/**
 * Icons drawn in every row of a long list, each put in the page once (this sprite) and drawn in
 * a row by reference (SpriteIcon): a row then adds an <svg> and a <use> per icon instead of a
 * lucide component with its paths and a dozen attributes each, which was a tenth of the work of
 * drawing rows as a list scrolls or a search narrows it. Render the sprite beside the list.
 */
export function IconSprite({ icons }: { icons: Readonly<Record<string, LucideIcon>> }) {
  return (
    <svg aria-hidden width="0" height="0" className="absolute overflow-hidden" focusable="false">
      <defs>
        {Object.entries(icons).map(([id, Icon]) => (
          <Icon key={id} id={spriteId(id)} />
        ))}
      </defs>
    </svg>
  );
}

/** One icon of an IconSprite in the page, sized by `className` (size-4) and coloured by the text. */
export function SpriteIcon({ icon, className }: { icon: string; className?: string }) {
  return (
    <svg aria-hidden className={className} focusable="false">
      <use href={`#${spriteId(icon)}`} width="100%" height="100%" />
    </svg>
  );
}

const spriteId = (icon: string) => `sprite-icon-${icon}`;
