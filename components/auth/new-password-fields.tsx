"use client";

import { useState } from "react";
import { TextField } from "../ui/field";
import { PASSWORD_RULE } from "./password-rule";

/** A new password typed twice: the two must agree before anything is sent. */
export function useNewPassword() {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  return {
    password,
    confirm,
    mismatch,
    setPassword,
    setConfirm,
    /** True when the two agree; otherwise shows the mismatch under the second field. */
    agrees(): boolean {
      setMismatch(password !== confirm);
      return password === confirm;
    },
    clear() {
      setPassword("");
      setConfirm("");
      setMismatch(false);
    },
  };
}

export type NewPassword = ReturnType<typeof useNewPassword>;

export function NewPasswordFields({
  state,
  label = "New password",
  confirmLabel = "Confirm new password",
  name,
  error,
}: {
  state: NewPassword;
  label?: string;
  confirmLabel?: string;
  /** form field names, for password managers */
  name?: { password: string; confirm: string };
  /** the server's word on the password */
  error?: string | null;
}) {
  return (
    <>
      <TextField
        label={label}
        name={name?.password}
        type="password"
        autoComplete="new-password"
        value={state.password}
        onChange={(e) => state.setPassword(e.target.value)}
        error={error}
        hint={PASSWORD_RULE}
        required
      />
      <TextField
        label={confirmLabel}
        name={name?.confirm}
        type="password"
        autoComplete="new-password"
        value={state.confirm}
        onChange={(e) => state.setConfirm(e.target.value)}
        error={state.mismatch ? "The two passwords differ." : null}
        required
      />
    </>
  );
}
