import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Class names from parts (strings, conditionals, arrays), with later Tailwind utilities winning
 * over earlier ones of the same kind: `cn("px-3", dense && "px-1")` gives "px-1", not both.
 */
export function cn(...parts: ClassValue[]): string {
  return twMerge(clsx(parts));
}
