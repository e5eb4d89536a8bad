"use client";

import { Monitor, Moon, Sun } from "lucide-react";
import { useTheme } from "next-themes";
import { useRef, useSyncExternalStore, type KeyboardEvent } from "react";

const choices = [
  { value: "light", label: "Light", icon: Sun },
  { value: "dark", label: "Dark", icon: Moon },
  { value: "system", label: "System", icon: Monitor },
] as const;

/** A radio group as WAI-ARIA's pattern has it: one tab stop, the arrow keys choose. */
export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  // The stored theme is only known in the browser; render neutral until mounted.
  const mounted = useSyncExternalStore(
    () => () => undefined,
    () => true,
    () => false,
  );
  const current = Math.max(
    0,
    choices.findIndex((c) => mounted && c.value === theme),
  );
  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const next = (current + step + choices.length) % choices.length;
    setTheme(choices[next]!.value);
    buttons.current[next]?.focus();
  };
  return (
    <div role="radiogroup" aria-label="Theme" onKeyDown={onKeyDown} className="flex gap-1 rounded-md bg-hover p-1">
      {choices.map(({ value, label, icon: Icon }, index) => {
        const checked = mounted && theme === value;
        return (
          <button
            key={value}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={index === current ? 0 : -1}
            title={label}
            onClick={() => setTheme(value)}
            className={`flex min-w-0 flex-1 items-center justify-center gap-1 rounded px-1.5 py-1 text-xs focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none ${
              checked ? "bg-surface text-fg shadow-sm" : "text-muted hover:text-fg"
            }`}
          >
            <Icon aria-hidden className="size-3.5 shrink-0" />
            <span className="sr-only sm:not-sr-only">{label}</span>
          </button>
        );
      })}
    </div>
  );
}
