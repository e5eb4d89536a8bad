"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { errorMessage } from "../trpc-errors";
import { useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { CheckboxField, TextField } from "../ui/field";

export type Registry = RouterOutputs["registries"]["list"][number];

/**
 * Save a registry, or change one. Saving tests the credentials against the registry's API
 * first and says what failed; the password is sent up only, and never shown again (an edit
 * keeps the saved one unless a new one is typed or it is cleared).
 */
export function RegistryFormDialog({
  registry,
  onClose,
  onSaved,
}: {
  registry: Registry | null;
  onClose: () => void;
  onSaved: (saved: Registry) => void;
}) {
  const client = useTRPCClient();
  const [name, setName] = useState(registry?.name ?? "");
  const [url, setUrl] = useState(registry?.url ?? "");
  const [username, setUsername] = useState(registry?.username ?? "");
  const [password, setPassword] = useState("");
  const [clearPassword, setClearPassword] = useState(false);
  const [skipTlsVerify, setSkipTlsVerify] = useState(registry?.skipTlsVerify ?? false);
  const [saveUntested, setSaveUntested] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      registry
        ? client.registries.update.mutate({
            id: registry.id,
            name,
            url,
            username,
            ...(password ? { password } : {}),
            ...(clearPassword && !password ? { clearPassword: true } : {}),
            skipTlsVerify,
            saveUntested,
          })
        : client.registries.create.mutate({
            name,
            url,
            ...(username ? { username } : {}),
            ...(password ? { password } : {}),
            skipTlsVerify,
            saveUntested,
          }),
    onSuccess: onSaved,
  });
  return (
    <Dialog open onClose={onClose} title={registry ? `Edit ${registry.name}` : "Add a registry"}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
        <TextField
          label="Address"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="registry.example.com or http://10.0.0.5:5000"
          required
        />
        <TextField label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        <TextField
          label="Password or token"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          hint={
            registry?.hasPassword
              ? "A password is saved. Leave this empty to keep it."
              : "Sealed at rest and never shown again."
          }
        />
        {registry?.hasPassword ? (
          <CheckboxField
            label="Forget the saved password"
            checked={clearPassword}
            onChange={(e) => setClearPassword(e.target.checked)}
          />
        ) : null}
        <CheckboxField
          label="Skip TLS verification"
          description="For a registry with a self-signed certificate."
          checked={skipTlsVerify}
          onChange={(e) => setSkipTlsVerify(e.target.checked)}
        />
        {save.error ? (
          <>
            <Alert title="Not saved">{errorMessage(save.error)}</Alert>
            <CheckboxField
              label="Save without a successful test"
              description="When the registry is down for now; pulls and pushes will say what fails."
              checked={saveUntested}
              onChange={(e) => setSaveUntested(e.target.checked)}
            />
          </>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" pending={save.isPending}>
            {saveUntested ? "Save untested" : "Test and save"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
