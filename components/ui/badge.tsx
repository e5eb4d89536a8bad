import type { ReactNode } from "react";
import { cn } from "./cn";

const tones = {
  neutral: "bg-neutral-soft text-neutral-strong",
  sky: "bg-primary-soft text-primary-strong",
  green: "bg-success-soft text-success-strong",
  amber: "bg-warning-soft text-warning-strong",
  red: "bg-danger-soft text-danger-strong",
} as const;

export function Badge({
  tone = "neutral",
  className,
  children,
}: {
  tone?: keyof typeof tones;
  className?: string;
  children: ReactNode;
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap",
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}
