"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { FormActions } from "../ui/form-actions";
import { TextField } from "../ui/field";

export function CreateTeamDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(
    trpc.teams.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        setDescription("");
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(create.error, ["name", "description"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, description: description || undefined });
  };
  return (
    <Dialog open={open} onClose={onClose} title="New team">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.alert ? <Alert>{errors.alert}</Alert> : null}
        <TextField
          label="Team name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          error={errors.fields.name}
          required
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          autoComplete="off"
          error={errors.fields.description}
          hint="Optional: what the team does."
        />
        <FormActions onCancel={onClose} pending={create.isPending}>
          Create team
        </FormActions>
      </form>
    </Dialog>
  );
}
