"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { UsernameField } from "./username-field";

export function LoginForm() {
  const trpc = useTRPC();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => {
        if (result.status === "totp_required") setNeedsCode(true);
        // A full load: the signed-in pages are rendered for this user from scratch.
        else window.location.assign("/");
      },
    }),
  );
  const errors = formErrors(login.error, ["username", "password", "totp"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password, totp: needsCode ? totp : undefined });
  };

  const startOver = () => {
    setNeedsCode(false);
    setTotp("");
    setPassword("");
    login.reset();
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      {needsCode ? (
        <>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Signing in as <span className="font-medium">{username}</span>.
          </p>
          <TextField
            label="Two-factor code"
            name="totp"
            value={totp}
            onChange={(e) => setTotp(e.target.value)}
            autoComplete="one-time-code"
            autoFocus
            required
            spellCheck={false}
            error={errors.fields.totp}
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
          />
        </>
      ) : (
        <>
          <UsernameField value={username} onChange={setUsername} error={errors.fields.username} />
          <TextField
            label="Password"
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
            error={errors.fields.password}
          />
        </>
      )}
      <Button type="submit" variant="primary" pending={login.isPending} className="w-full justify-center">
        {login.isPending ? "Signing in…" : needsCode ? "Verify" : "Sign in"}
      </Button>
      {needsCode ? (
        <Button variant="quiet" onClick={startOver} className="w-full justify-center">
          Use another account
        </Button>
      ) : null}
    </form>
  );
}
