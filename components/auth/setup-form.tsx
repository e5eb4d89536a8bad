"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { errorCode, formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { PASSWORD_RULE } from "./password-rule";

export function SetupForm() {
  const trpc = useTRPC();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: () => window.location.assign("/"),
    }),
  );
  const errors = formErrors(setup.error, ["username", "password", "displayName"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setup.mutate({ username, password, displayName: displayName || undefined });
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? (
        <Alert>
          {errors.alert}{" "}
          {errorCode(setup.error) === "CONFLICT" ? (
            <Link href="/login" className="font-medium underline">
              Go to sign in
            </Link>
          ) : null}
        </Alert>
      ) : null}
      <TextField
        label="Username"
        name="username"
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        required
        error={errors.fields.username}
        hint="Letters, digits, dot, dash and underscore."
      />
      <TextField
        label="Display name"
        name="displayName"
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        autoComplete="name"
        error={errors.fields.displayName}
        hint="Optional: how others see you, e.g. Ada Lovelace."
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="new-password"
        required
        error={errors.fields.password}
        hint={PASSWORD_RULE}
      />
      <TextField
        label="Confirm password"
        name="confirm"
        type="password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        autoComplete="new-password"
        required
        error={mismatch ? "The two passwords differ." : null}
      />
      <Button type="submit" variant="primary" pending={setup.isPending} className="w-full justify-center">
        {setup.isPending ? "Creating…" : "Create administrator"}
      </Button>
    </form>
  );
}
