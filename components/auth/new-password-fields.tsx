"use client";

import { useState } from "react";
import { TextField } from "../ui/field";
import { PASSWORD_RULE, passwordRuleProblem } from "./password-rule";

/**
 * A new password typed twice, checked against the rule as it is typed (all of it but the list of
 * common passwords, which the server checks): a problem shows under the field once the person
 * has left it or tried to submit, and goes as soon as it is fixed. Nothing is sent while the
 * rule fails or the two differ.
 */
export function useNewPassword(username?: string) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [touched, setTouched] = useState({ password: false, confirm: false });
  const [sent, setSent] = useState<string | null>(null);
  const problem = passwordRuleProblem(password, username || undefined);
  const mismatch = confirm !== "" || touched.confirm ? password !== confirm : false;
  return {
    password,
    confirm,
    setPassword,
    setConfirm,
    /** what is wrong with the password now, shown once the field was left or a submit tried */
    problem: touched.password ? problem : null,
    /** the rule holds so far (for the live "meets the rule" line) */
    meetsRule: password !== "" && problem === null,
    mismatch: touched.confirm && mismatch,
    /** the password last sent: the server's word on it stands only while it is unchanged */
    sent,
    leave(field: "password" | "confirm") {
      setTouched((t) => ({ ...t, [field]: true }));
    },
    /** True when the rule holds and the two agree; otherwise shows what is wrong under the fields. */
    agrees(): boolean {
      setTouched({ password: true, confirm: true });
      const ok = problem === null && password === confirm;
      if (ok) setSent(password);
      return ok;
    },
    clear() {
      setPassword("");
      setConfirm("");
      setTouched({ password: false, confirm: false });
      setSent(null);
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
  /** the server's word on the password (the list of common passwords, say) */
  error?: string | null;
}) {
  const serverWord = state.sent !== null && state.sent === state.password ? error : null;
  return (
    <>
      <TextField
        label={label}
        name={name?.password}
        type="password"
        autoComplete="new-password"
        value={state.password}
        onChange={(e) => state.setPassword(e.target.value)}
        onBlur={() => state.password && state.leave("password")}
        error={state.problem ?? serverWord}
        hint={
          <>
            {PASSWORD_RULE}
            <span aria-live="polite" className="block">
              {state.meetsRule && !serverWord
                ? "✓ Meets the rule (the list of common passwords is checked when you save)."
                : ""}
            </span>
          </>
        }
        required
      />
      <TextField
        label={confirmLabel}
        name={name?.confirm}
        type="password"
        autoComplete="new-password"
        value={state.confirm}
        onChange={(e) => state.setConfirm(e.target.value)}
        onBlur={() => state.confirm && state.leave("confirm")}
        error={state.mismatch ? "The two passwords differ." : null}
        required
      />
    </>
  );
}
