import type { LucideIcon } from "lucide-react";
import Link from "next/link";

export function NavLink({
  href,
  label,
  icon: Icon,
  active,
}: {
  href: string;
  label: string;
  icon: LucideIcon;
  active: boolean;
}) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm ${
        active
          ? "bg-sky-50 font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-200"
          : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      }`}
    >
      <Icon aria-hidden className="size-4" />
      {label}
    </Link>
  );
}
