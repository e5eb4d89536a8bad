"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { PASSWORD_RULE, passwordRuleProblem } from "../auth/password-rule";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { FormActions } from "../ui/form-actions";
import { CheckboxField, TextField } from "../ui/field";

const empty = { username: "", displayName: "", email: "", password: "", mustChangePassword: true };

export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(empty);
  // Checked as it is typed once the field was left (or a submit tried); the server adds the
  // list of common passwords, and its word stands only while the password is unchanged.
  const [passwordLeft, setPasswordLeft] = useState(false);
  const [sentPassword, setSentPassword] = useState<string | null>(null);
  const passwordProblem = passwordRuleProblem(form.password, form.username || undefined);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        setForm(empty);
        setPasswordLeft(false);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(create.error, ["username", "displayName", "email", "password"]);
  const set = (key: "username" | "displayName" | "email" | "password") => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPasswordLeft(true);
    if (passwordProblem) return;
    setSentPassword(form.password);
    create.mutate({ ...form, displayName: form.displayName || undefined, email: form.email || undefined });
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New user"
      description="They can sign in at once. Give them a role (or a team that has one) on the Access tab."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.alert ? <Alert>{errors.alert}</Alert> : null}
        <TextField
          label="Username"
          value={form.username}
          onChange={set("username")}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          error={errors.fields.username}
          required
        />
        <TextField
          label="Display name"
          value={form.displayName}
          onChange={set("displayName")}
          autoComplete="off"
          error={errors.fields.displayName}
        />
        <TextField
          label="Email"
          type="email"
          value={form.email}
          onChange={set("email")}
          autoComplete="off"
          error={errors.fields.email}
        />
        <TextField
          label="Initial password"
          type="password"
          value={form.password}
          onChange={set("password")}
          autoComplete="new-password"
          onBlur={() => form.password && setPasswordLeft(true)}
          error={
            (passwordLeft ? passwordProblem : null) ?? (sentPassword === form.password ? errors.fields.password : null)
          }
          hint={PASSWORD_RULE}
          required
        />
        <CheckboxField
          label="Ask for a new password at first sign-in"
          description="They choose their own before they can do anything else; you never know it."
          checked={form.mustChangePassword}
          onChange={(e) => setForm((f) => ({ ...f, mustChangePassword: e.target.checked }))}
        />
        <FormActions onCancel={onClose} pending={create.isPending}>
          Create user
        </FormActions>
      </form>
    </Dialog>
  );
}
