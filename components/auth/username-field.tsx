import type { ReactNode } from "react";
import { TextField } from "../ui/field";

/** The username box of the sign-in and setup forms: focused first, never auto-capitalised. */
export function UsernameField({
  value,
  onChange,
  defaultValue,
  error,
  hint,
}: {
  /** Given, the field is controlled; without it, the browser's own (read from the form). */
  value?: string;
  onChange?: (value: string) => void;
  defaultValue?: string;
  error?: string;
  hint?: ReactNode;
}) {
  return (
    <TextField
      label="Username"
      name="username"
      value={value}
      defaultValue={defaultValue}
      onChange={onChange ? (e) => onChange(e.target.value) : undefined}
      autoComplete="username"
      autoCapitalize="none"
      spellCheck={false}
      autoFocus
      required
      error={error}
      hint={hint}
    />
  );
}
