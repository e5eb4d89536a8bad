import type { ReactNode } from "react";
import { TextField } from "../ui/field";

/** The username box of the sign-in and setup forms: focused first, never auto-capitalised. */
export function UsernameField({
  value,
  onChange,
  error,
  hint,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
}) {
  return (
    <TextField
      label="Username"
      name="username"
      value={value}
      onChange={(e) => onChange(e.target.value)}
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
