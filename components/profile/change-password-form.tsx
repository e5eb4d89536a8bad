"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { NewPasswordFields, useNewPassword } from "../auth/new-password-fields";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { useHydrated } from "../ui/use-hydrated";

/** `then="home"`: after the change, open Home (the first sign-in's required change). `username`:
 * whose password it is, for the rule's "not containing the username". */
export function ChangePasswordForm({ then, username }: { then?: "home"; username: string }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const [currentPassword, setCurrentPassword] = useState("");
  const newPassword = useNewPassword(username);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        // A full load: the signed-in pages are rendered for this user from scratch.
        if (then === "home") return window.location.assign("/");
        setCurrentPassword("");
        newPassword.clear();
      },
    }),
  );
  const errors = formErrors(change.error, ["currentPassword", "newPassword"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword.agrees()) change.mutate({ currentPassword, newPassword: newPassword.password });
  };

  return (
    <form onSubmit={submit} className="max-w-sm space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      {change.isSuccess && then !== "home" ? (
        <Alert tone="success">Password changed. Your other sessions were signed out and your API tokens revoked.</Alert>
      ) : null}
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onChange={(e) => setCurrentPassword(e.target.value)}
        error={errors.fields.currentPassword}
        required
      />
      <NewPasswordFields state={newPassword} error={errors.fields.newPassword} />
      <Button type="submit" variant="primary" pending={change.isPending} disabled={!hydrated}>
        {change.isPending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
