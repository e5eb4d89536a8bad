"use client";

// Inputs bound to the surrounding react-hook-form by name: each registers itself and shows
// the error the form holds at its name (the schema's, or the server's policy's). The labelled
// ones are the kit's fields (components/ui/field.tsx) with register(name) spread onto them.
import { useId, type ComponentProps, type InputHTMLAttributes, type ReactNode } from "react";
import { get, useFormContext } from "react-hook-form";
import { CheckboxField, controlClass, SelectField, TextAreaField, TextField } from "../ui/field";

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
    <p id={id} className="text-xs font-medium text-danger-fg">
      {children}
    </p>
  );
}

/** The name in the form's values; the error shown is the one the form holds there. */
type Bound = { name: string };

export function TextInput({ name, ...field }: Bound & Omit<ComponentProps<typeof TextField>, "name">) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return <TextField autoComplete="off" error={error} {...field} {...register(name)} />;
}

export function SelectInput({ name, ...field }: Bound & Omit<ComponentProps<typeof SelectField>, "name">) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return <SelectField error={error} {...field} {...register(name)} />;
}

export function TextAreaInput({
  name,
  rows = 2,
  ...field
}: Bound & Omit<ComponentProps<typeof TextAreaField>, "name">) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return <TextAreaField rows={rows} spellCheck={false} error={error} {...field} {...register(name)} />;
}

export function CheckboxInput({ name, ...field }: Bound & Omit<ComponentProps<typeof CheckboxField>, "name">) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <div className="space-y-1">
      <CheckboxField {...field} {...register(name)} />
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
    <label className="flex items-center gap-1.5 pt-1.5 text-sm text-fg">
      <input type="checkbox" className="size-4 accent-primary" {...register(name)} />
      {label}
    </label>
  );
}
