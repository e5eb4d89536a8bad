import type { LucideIcon } from "lucide-react";
import type { ButtonHTMLAttributes } from "react";

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
      className={`inline-grid size-8 place-items-center rounded-md disabled:opacity-50 ${
        tone === "danger"
          ? "text-slate-500 hover:bg-red-50 hover:text-red-700 dark:text-slate-400 dark:hover:bg-red-950 dark:hover:text-red-300"
          : "text-slate-500 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
      }`}
      {...props}
    >
      <Icon aria-hidden className="size-4" />
    </button>
  );
}
