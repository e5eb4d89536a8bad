import Link from "next/link";
import type { ButtonHTMLAttributes, ComponentProps } from "react";
import { cn } from "./cn";

const variants = {
  primary: "bg-primary text-on-primary hover:bg-primary-hover",
  secondary: "border border-border-strong bg-surface text-fg hover:bg-hover",
  danger: "bg-danger text-on-primary hover:bg-danger-hover",
  "outline-danger": "border border-danger-border bg-surface text-danger-fg hover:bg-danger-soft",
  quiet: "text-fg hover:bg-hover",
  "quiet-danger": "text-danger-fg hover:bg-danger-soft",
} as const;

const sizes = {
  md: "gap-2 px-3 py-1.5 text-sm",
  sm: "gap-1.5 px-2 py-1 text-xs",
  icon: "size-8 justify-center",
} as const;

const base = "inline-flex shrink-0 items-center rounded-md font-medium whitespace-nowrap transition-colors";

export type ButtonVariant = keyof typeof variants;

export function Button({
  variant = "secondary",
  size = "md",
  pending = false,
  className = "",
  type = "button",
  disabled,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: keyof typeof sizes;
  /** a request is in flight: the button stays put but cannot be pressed twice */
  pending?: boolean;
}) {
  return (
    <button
      type={type}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={cn(base, "disabled:cursor-not-allowed disabled:opacity-60", variants[variant], sizes[size], className)}
      {...props}
    />
  );
}

/** A link that looks like a button: for actions that are a page of their own ("Create container"). */
export function ButtonLink({
  variant = "secondary",
  size = "md",
  className = "",
  ...props
}: ComponentProps<typeof Link> & { variant?: ButtonVariant; size?: keyof typeof sizes }) {
  return <Link className={cn(base, variants[variant], sizes[size], className)} {...props} />;
}
