"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { errorCode, formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { UsernameField } from "./username-field";
import { NewPasswordFields, useNewPassword } from "./new-password-fields";
import { useHydrated } from "../ui/use-hydrated";

export function SetupForm() {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const [setupCode, setSetupCode] = useState("");
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const newPassword = useNewPassword(username);
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: () => window.location.assign("/"),
    }),
  );
  const errors = formErrors(setup.error, ["setupCode", "username", "password", "displayName"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!newPassword.agrees()) return;
    setup.mutate({ setupCode, username, password: newPassword.password, displayName: displayName || undefined });
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
        label="Setup code"
        name="setupCode"
        value={setupCode}
        onChange={(e) => setSetupCode(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
        error={errors.fields.setupCode}
        hint="Printed in the server's log at start, and kept in the file setup-code in its data folder."
      />
      <UsernameField
        value={username}
        onChange={setUsername}
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
      <NewPasswordFields
        state={newPassword}
        label="Password"
        confirmLabel="Confirm password"
        name={{ password: "password", confirm: "confirm" }}
        error={errors.fields.password}
      />
      <Button
        type="submit"
        variant="primary"
        pending={setup.isPending}
        disabled={!hydrated}
        className="w-full justify-center"
      >
        {setup.isPending ? "Creating…" : "Create administrator"}
      </Button>
    </form>
  );
}
