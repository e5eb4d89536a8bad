"use client";

import { Activity, EllipsisVertical, ScrollText, SquareTerminal } from "lucide-react";
import { SpriteIcon } from "../ui/sprite-icon";

/** The icons every containers row draws, put in the page once by the table (IconSprite). */
export const ROW_ICONS = { logs: ScrollText, console: SquareTerminal, stats: Activity, actions: EllipsisVertical };

/** One of them in a row: only a name the sprite holds type-checks. */
export function RowIcon({ name }: { name: keyof typeof ROW_ICONS }) {
  return <SpriteIcon icon={name} className="size-4" />;
}
