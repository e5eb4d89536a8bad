"use client";

// Inputs bound to the surrounding react-hook-form by name: each registers itself and shows
// the error the form holds at its name (the schema's, or the server's policy's). Labelled,
// hinted and described for screen readers like the rest of the kit.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { get, useFormContext } from "react-hook-form";
import { controlClass } from "../ui/field";

/** The message the form holds for `name`, if any. */
export function useFieldError(name: string): string | undefined {
  const {
    formState: { errors },
  } = useFormContext();
  const error: unknown = get(errors, name);
  const message = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === "string" && message ? message : undefined;
}

export function ErrorText({ id, children }: { id?: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="text-xs font-medium text-red-700 dark:text-red-400">
      {children}
    </p>
  );
}

/** A label above, the hint and the error below, tied to the control for assistive technology. */
function Chrome({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children(describedBy)}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      <ErrorText id={`${id}-error`}>{error}</ErrorText>
    </div>
  );
}

type Named = { name: string; label: string; hint?: ReactNode; error?: string };

export function TextInput({ name, label, hint, error, ...input }: Named & InputHTMLAttributes<HTMLInputElement>) {
  const { register } = useFormContext();
  const id = useId();
  const own = useFieldError(name);
  const shown = error ?? own;
  return (
    <Chrome id={id} label={label} hint={hint} error={shown}>
      {(describedBy) => (
        <input
          id={id}
          aria-invalid={shown ? true : undefined}
          aria-describedby={describedBy}
          className={controlClass}
          autoComplete="off"
          {...input}
          {...register(name)}
        />
      )}
    </Chrome>
  );
}

export function SelectInput({
  name,
  label,
  hint,
  error,
  children,
  ...select
}: Named & SelectHTMLAttributes<HTMLSelectElement>) {
  const { register } = useFormContext();
  const id = useId();
  const own = useFieldError(name);
  const shown = error ?? own;
  return (
    <Chrome id={id} label={label} hint={hint} error={shown}>
      {(describedBy) => (
        <select
          id={id}
          aria-invalid={shown ? true : undefined}
          aria-describedby={describedBy}
          className={controlClass}
          {...select}
          {...register(name)}
        >
          {children}
        </select>
      )}
    </Chrome>
  );
}

export function TextAreaInput({
  name,
  label,
  hint,
  rows = 2,
  placeholder,
}: Named & { rows?: number; placeholder?: string }) {
  const { register } = useFormContext();
  const id = useId();
  const error = useFieldError(name);
  return (
    <Chrome id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <textarea
          id={id}
          rows={rows}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={controlClass}
          placeholder={placeholder}
          spellCheck={false}
          {...register(name)}
        />
      )}
    </Chrome>
  );
}

export function CheckboxInput({ name, label, description }: { name: string; label: string; description?: ReactNode }) {
  const { register } = useFormContext();
  const id = useId();
  const error = useFieldError(name);
  return (
    <div className="space-y-1">
      <div className="flex items-start gap-2">
        <input
          id={id}
          type="checkbox"
          aria-describedby={description ? `${id}-description` : undefined}
          className="mt-0.5 size-4 rounded border-slate-300 accent-sky-600"
          {...register(name)}
        />
        <div className="text-sm">
          <label htmlFor={id} className="font-medium text-slate-800 dark:text-slate-200">
            {label}
          </label>
          {description ? (
            <p id={`${id}-description`} className="text-xs text-slate-500 dark:text-slate-400">
              {description}
            </p>
          ) : null}
        </div>
      </div>
      <ErrorText>{error}</ErrorText>
    </div>
  );
}

/** One input of a row: labelled for a screen reader, its error under it. */
export function RowInput({
  name,
  label,
  className = "",
  ...input
}: { name: string; label: string } & InputHTMLAttributes<HTMLInputElement>) {
  const { register } = useFormContext();
  const errorId = useId();
  const error = useFieldError(name);
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
        {...register(name)}
      />
      <ErrorText id={errorId}>{error}</ErrorText>
    </div>
  );
}

/** A row's checkbox ("Read-only"). */
export function RowCheckbox({ name, label }: { name: string; label: string }) {
  const { register } = useFormContext();
  return (
    <label className="flex items-center gap-1.5 pt-1.5 text-sm text-slate-700 dark:text-slate-300">
      <input type="checkbox" className="size-4 accent-sky-600" {...register(name)} />
      {label}
    </label>
  );
}
