"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";

export function CreateTokenForm({ onCreated }: { onCreated: (token: { name: string; token: string }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [days, setDays] = useState("30");
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (result) => {
        onCreated({ name: result.name, token: result.token });
        setName("");
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(create.error, ["name", "expiresInDays"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, expiresInDays: Number(days) });
  };
  return (
    <form onSubmit={submit} className="space-y-3" noValidate aria-label="New API token">
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      <div className="grid max-w-xl gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <TextField
          label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. ci-deploy"
          error={errors.fields.name}
          required
        />
        <TextField
          label="Expires in (days)"
          type="number"
          min={1}
          max={365}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={errors.fields.expiresInDays}
          required
        />
        <Button type="submit" variant="primary" pending={create.isPending} className="sm:mt-6">
          Create token
        </Button>
      </div>
    </form>
  );
}
