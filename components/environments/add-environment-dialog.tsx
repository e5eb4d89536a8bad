"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorCode, formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/field";

export function AddEnvironmentDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const create = useMutation(
    trpc.environments.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        setUrl("");
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(create.error, ["name", "url"]);
  // The server tries the connection before saving: unreachable, timed out, or refused by the engine.
  const code = errorCode(create.error);
  const connectionFailed =
    code === "BAD_GATEWAY" ||
    code === "GATEWAY_TIMEOUT" ||
    (code === "BAD_REQUEST" && Object.keys(errors.fields).length === 0 && errors.alert !== null);
  const save = (skipTest: boolean) => create.mutate({ name, url, skipTest });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save(false);
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Add environment"
      description="Stevedore connects to it first, to check the address."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.alert ? (
          <Alert title={connectionFailed ? "Could not connect" : undefined}>
            {errors.alert}
            {connectionFailed ? (
              <p className="mt-1">Check the address, or save it anyway if the host is not up yet.</p>
            ) : null}
          </Alert>
        ) : null}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          placeholder="e.g. staging"
          error={errors.fields.name}
          required
        />
        <TextField
          label="Docker URL"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="unix:///var/run/docker.sock"
          error={errors.fields.url}
          hint="unix:///path/to/docker.sock, tcp://host:port or ssh://user@host"
          required
        />
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          {connectionFailed ? (
            <Button onClick={() => save(true)} pending={create.isPending && create.variables.skipTest}>
              Save without testing
            </Button>
          ) : null}
          <Button type="submit" variant="primary" pending={create.isPending && !create.variables.skipTest}>
            {create.isPending && !create.variables.skipTest ? "Connecting…" : "Add environment"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
