"use client";

import { Plus, Trash2 } from "lucide-react";
import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { Button } from "../../ui/button";
import { controlClass } from "../../ui/field";

/** One input of a row: labelled for a screen reader, its error under it. */
export function RowInput({
  label,
  error,
  className = "",
  ...input
}: { label: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = useId();
  return (
    <div className={`min-w-0 ${className}`}>
      <input
        aria-label={label}
        placeholder={input.placeholder ?? label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        className={controlClass}
        autoComplete="off"
        spellCheck={false}
        {...input}
      />
      {error ? (
        <p id={errorId} className="mt-0.5 text-xs font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A list of rows (variables, ports, volumes, …) with an Add button and a Remove button per
 * row, in a fieldset named by `legend`.
 */
export function Rows<T extends { id: string }>({
  legend,
  hint,
  rows,
  onChange,
  newRow,
  addLabel,
  children,
}: {
  legend: string;
  hint?: ReactNode;
  rows: T[];
  onChange: (rows: T[]) => void;
  newRow: () => T;
  addLabel: string;
  /** the row's inputs; `set` patches this row */
  children: (row: T, set: (patch: Partial<T>) => void, index: number) => ReactNode;
}) {
  const list = useRef<HTMLUListElement>(null);
  const [added, setAdded] = useState(0);
  // A row added from the keyboard gets the focus, so typing goes on in it.
  useEffect(() => {
    if (added) list.current?.querySelector<HTMLElement>("li:last-child input, li:last-child select")?.focus();
  }, [added]);
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">{legend}</legend>
      {hint ? <p className="text-xs text-slate-500 dark:text-slate-400">{hint}</p> : null}
      {rows.length ? (
        <ul ref={list} className="space-y-2">
          {rows.map((row, index) => (
            <li key={row.id} className="flex items-start gap-2">
              <div className="flex min-w-0 flex-1 flex-wrap items-start gap-2">
                {children(row, (patch) => onChange(rows.map((r) => (r.id === row.id ? { ...r, ...patch } : r))), index)}
              </div>
              <Button
                size="icon"
                variant="quiet"
                aria-label={`Remove ${legend.toLowerCase()} row ${index + 1}`}
                title="Remove"
                onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
              >
                <Trash2 aria-hidden className="size-4" />
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <Button
        size="sm"
        onClick={() => {
          onChange([...rows, newRow()]);
          setAdded((n) => n + 1);
        }}
      >
        <Plus aria-hidden className="size-3.5" />
        {addLabel}
      </Button>
    </fieldset>
  );
}

/** A titled group of fields in the form. */
export function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="space-y-4 rounded-lg border border-slate-200 bg-white px-5 py-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <header>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {description ? <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
      </header>
      {children}
    </section>
  );
}
