import type { LucideIcon } from "lucide-react";
import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

/** A compact row action: the label is its accessible name and its tooltip. */
export function IconButton({
  icon: Icon,
  label,
  tone = "neutral",
  ...props
}: { icon: LucideIcon; label: string; tone?: "neutral" | "danger" } & Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  "children"
>) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={cn(
        "inline-grid size-8 place-items-center rounded-md text-subtle disabled:opacity-50",
        tone === "danger" ? "hover:bg-danger-soft hover:text-danger-fg" : "hover:bg-hover hover:text-fg",
      )}
      {...props}
    >
      <Icon aria-hidden className="size-4" />
    </button>
  );
}
