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
        active ? "bg-primary-soft font-medium text-primary-strong" : "text-fg hover:bg-hover"
      }`}
    >
      <Icon aria-hidden className="size-4" />
      {label}
    </Link>
  );
}
