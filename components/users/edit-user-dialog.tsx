"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { FormActions } from "../ui/form-actions";
import { TextField } from "../ui/field";
import type { UserRow } from "./types";

export function EditUserDialog({ user, open, onClose }: { user: UserRow; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={`Edit ${user.username}`}>
      {/* Mounted per opening, so the fields start from the user as they are now. */}
      <EditUserForm user={user} onClose={onClose} />
    </Dialog>
  );
}

function EditUserForm({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [displayName, setDisplayName] = useState(user.displayName ?? "");
  const [email, setEmail] = useState(user.email ?? "");
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async () => {
        onClose();
        // One's own name also shows in the sidebar, which the server rendered.
        router.refresh();
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(update.error, ["displayName", "email"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ id: user.id, displayName, email });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      <TextField
        label="Display name"
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        autoComplete="off"
        error={errors.fields.displayName}
      />
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        autoComplete="off"
        error={errors.fields.email}
      />
      <FormActions onCancel={onClose} pending={update.isPending}>
        Save
      </FormActions>
    </form>
  );
}
