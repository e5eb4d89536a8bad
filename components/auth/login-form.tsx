"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { UsernameField } from "./username-field";
import { useHydrated } from "../ui/use-hydrated";

export function LoginForm() {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  // The fields are the browser's own (uncontrolled, read at submit): what someone types before
  // the page's scripts have run is still there when they have.
  const [credentials, setCredentials] = useState<{ username: string; password: string } | null>(null);
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

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    };
    if (needsCode && credentials) {
      login.mutate({ ...credentials, totp: text("totp") });
      return;
    }
    const typed = { username: text("username"), password: text("password") };
    setCredentials(typed);
    login.mutate(typed);
  };

  const startOver = () => {
    setNeedsCode(false);
    setCredentials((typed) => (typed ? { username: typed.username, password: "" } : null));
    login.reset();
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      {needsCode ? (
        <>
          <p className="text-sm text-fg">
            Signing in as <span className="font-medium">{credentials?.username}</span>.
          </p>
          <TextField
            label="Two-factor code"
            name="totp"
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
          <UsernameField defaultValue={credentials?.username ?? ""} error={errors.fields.username} />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={errors.fields.password}
          />
        </>
      )}
      <Button
        type="submit"
        variant="primary"
        pending={login.isPending}
        disabled={!hydrated}
        className="w-full justify-center"
      >
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
