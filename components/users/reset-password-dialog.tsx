"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { PASSWORD_RULE } from "../auth/password-rule";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/field";
import type { UserRow } from "./types";

export function ResetPasswordDialog({ user, open, onClose }: { user: UserRow; open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Reset password of ${user.username}`}
      description="Their sessions end. Tell them the new password another way; they can change it on their profile."
    >
      <ResetPasswordForm user={user} onClose={onClose} />
    </Dialog>
  );
}

function ResetPasswordForm({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: onClose }));
  const errors = formErrors(reset.error, ["password"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== confirm);
    if (password === confirm) reset.mutate({ id: user.id, password });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
        hint={PASSWORD_RULE}
        required
      />
      <TextField
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={mismatch ? "The two passwords differ." : null}
        required
      />
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={reset.isPending}>
          Reset password
        </Button>
      </div>
    </form>
  );
}
