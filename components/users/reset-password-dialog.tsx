"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { NewPasswordFields, useNewPassword } from "../auth/new-password-fields";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { CheckboxField } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import type { UserRow } from "./types";

export function ResetPasswordDialog({ user, open, onClose }: { user: UserRow; open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Reset password of ${user.username}`}
      description="Their sessions and API tokens end, and whatever they had open with them. Tell them the new password another way."
    >
      <ResetPasswordForm user={user} onClose={onClose} />
    </Dialog>
  );
}

function ResetPasswordForm({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const newPassword = useNewPassword(user.username);
  const [mustChangePassword, setMustChangePassword] = useState(true);
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: onClose }));
  const errors = formErrors(reset.error, ["password"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword.agrees()) reset.mutate({ id: user.id, password: newPassword.password, mustChangePassword });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      <NewPasswordFields state={newPassword} error={errors.fields.password} />
      <CheckboxField
        label="Ask for a new password at next sign-in"
        description="They choose their own before they can do anything else."
        checked={mustChangePassword}
        onChange={(e) => setMustChangePassword(e.target.checked)}
      />
      <FormActions onCancel={onClose} pending={reset.isPending}>
        Reset password
      </FormActions>
    </form>
  );
}
