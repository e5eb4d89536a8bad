"use client";

// Menus on Radix UI's dropdown menu: focus moves into the menu and back, arrow keys, Home/End,
// type-ahead, Escape and outside clicks close it, and it is placed to stay inside the window
// (a portal, so no scroll box clips it). Styled once here.
import * as Primitive from "@radix-ui/react-dropdown-menu";
import { Check } from "lucide-react";
import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export const Menu = Primitive.Root;
export const MenuTrigger = Primitive.Trigger;
export const MenuGroup = Primitive.Group;

const itemClass =
  "relative flex w-full cursor-default items-center gap-2 rounded-sm px-3 py-1.5 text-left text-sm text-fg outline-none select-none data-[disabled]:pointer-events-none data-[disabled]:opacity-50 data-[highlighted]:bg-hover";

export function MenuContent({ className, children, ...props }: ComponentProps<typeof Primitive.Content>) {
  return (
    <Primitive.Portal>
      <Primitive.Content
        align="end"
        sideOffset={4}
        collisionPadding={8}
        className={cn(
          "z-50 max-h-(--radix-dropdown-menu-content-available-height) min-w-44 overflow-y-auto rounded-md border border-border-strong bg-surface p-1 shadow-lg",
          className,
        )}
        {...props}
      >
        {children}
      </Primitive.Content>
    </Primitive.Portal>
  );
}

export function MenuItem({
  tone = "neutral",
  className,
  ...props
}: ComponentProps<typeof Primitive.Item> & { tone?: "neutral" | "danger" }) {
  return <Primitive.Item className={cn(itemClass, tone === "danger" && "text-danger-fg", className)} {...props} />;
}

/** A menu entry that goes to a page: a real link (middle-click, open in a new tab). */
export function MenuLinkItem({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  return (
    <Primitive.Item asChild className={cn(itemClass, className)}>
      <Link href={href} prefetch={false}>
        {children}
      </Link>
    </Primitive.Item>
  );
}

export function MenuCheckboxItem({ className, children, ...props }: ComponentProps<typeof Primitive.CheckboxItem>) {
  return (
    <Primitive.CheckboxItem className={cn(itemClass, "pl-8", className)} {...props}>
      <Primitive.ItemIndicator className="absolute left-2 inline-flex">
        <Check aria-hidden className="size-4" />
      </Primitive.ItemIndicator>
      {children}
    </Primitive.CheckboxItem>
  );
}

export function MenuSeparator({ className }: { className?: string }) {
  return <Primitive.Separator className={cn("my-1 h-px bg-border", className)} />;
}

export function MenuLabel({ className, ...props }: ComponentProps<typeof Primitive.Label>) {
  return <Primitive.Label className={cn("px-3 py-1 text-xs font-medium text-subtle", className)} {...props} />;
}
