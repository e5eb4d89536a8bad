import { CircleAlert, CircleCheck, Info } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

const tones = {
  error: {
    icon: CircleAlert,
    className: "border-danger-border bg-danger-soft text-danger-strong",
  },
  success: {
    icon: CircleCheck,
    className: "border-success-border bg-success-soft text-success-strong",
  },
  info: {
    icon: Info,
    className: "border-primary-border bg-primary-soft text-primary-strong",
  },
  warning: {
    icon: CircleAlert,
    className: "border-warning-border bg-warning-soft text-warning-strong",
  },
} as const;

/** A message about what just happened. Errors interrupt a screen reader; the rest wait their turn. */
export function Alert({
  tone = "error",
  title,
  children,
}: {
  tone?: keyof typeof tones;
  title?: string;
  children?: ReactNode;
}) {
  const { icon: Icon, className } = tones[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn("flex gap-2 rounded-md border px-3 py-2 text-sm", className)}
    >
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0" />
      {/* Engine messages carry ids and paths with no space to break at: they wrap anywhere
          rather than push a phone's page sideways. */}
      <div className="min-w-0 space-y-1 wrap-anywhere">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div>{children}</div> : null}
      </div>
    </div>
  );
}
