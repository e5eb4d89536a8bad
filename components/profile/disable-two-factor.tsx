"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { useHydrated } from "../ui/use-hydrated";

export function DisableTwoFactor() {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const router = useRouter();
  const [password, setPassword] = useState("");
  const disable = useMutation(
    trpc.auth.totpDisable.mutationOptions({
      onSuccess: () => {
        setPassword("");
        router.refresh();
      },
    }),
  );
  const errors = formErrors(disable.error, ["password"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate({ password });
  };
  return (
    <div className="space-y-4">
      <p className="flex items-center gap-2 text-sm text-fg">
        Two-factor sign-in is <Badge tone="green">on</Badge>
      </p>
      <form onSubmit={submit} className="max-w-sm space-y-3" noValidate>
        <p className="text-sm text-muted">
          To turn it off, confirm with your password. Your recovery codes stop working.
        </p>
        {errors.alert ? <Alert>{errors.alert}</Alert> : null}
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
          required
        />
        <Button type="submit" variant="danger" pending={disable.isPending} disabled={!hydrated}>
          Turn off two-factor sign-in
        </Button>
      </form>
    </div>
  );
}
