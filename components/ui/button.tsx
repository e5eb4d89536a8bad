import Link from "next/link";
import type { ButtonHTMLAttributes, ComponentProps } from "react";

const variants = {
  primary: "bg-sky-600 text-white hover:bg-sky-700 dark:bg-sky-600 dark:hover:bg-sky-500",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
  danger: "bg-red-600 text-white hover:bg-red-700 dark:bg-red-700 dark:hover:bg-red-600",
  "outline-danger":
    "border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-900 dark:bg-slate-900 dark:text-red-300 dark:hover:bg-red-950",
  quiet: "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
  "quiet-danger": "text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950",
} as const;

const sizes = {
  md: "gap-2 px-3 py-1.5 text-sm",
  sm: "gap-1.5 px-2 py-1 text-xs",
  icon: "size-8 justify-center",
} as const;

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
      className={`inline-flex shrink-0 items-center rounded-md font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${variants[variant]} ${sizes[size]} ${className}`}
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
  return (
    <Link
      className={`inline-flex shrink-0 items-center rounded-md font-medium whitespace-nowrap transition-colors ${variants[variant]} ${sizes[size]} ${className}`}
      {...props}
    />
  );
}
