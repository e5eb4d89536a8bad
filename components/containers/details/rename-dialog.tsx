"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Dialog } from "../../ui/dialog";
import { TextField } from "../../ui/field";
import { FormActions } from "../../ui/form-actions";

/** The engine's rule for container names (docker's validContainerNamePattern). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `docker container rename`: a new name, checked as it is typed, the engine's answer shown. */
export function RenameDialog({
  open,
  onClose,
  environmentId,
  containerId,
  currentName,
  onRenamed,
}: {
  open: boolean;
  onClose: () => void;
  environmentId: string;
  containerId: string;
  currentName: string;
  onRenamed: (result: { name: string; cli: string }) => void;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState(currentName);
  const rename = useMutation(trpc.containers.rename.mutationOptions());
  const trimmed = name.trim();
  const problem =
    trimmed === ""
      ? "Give it a name."
      : !NAME.test(trimmed)
        ? "Use letters, digits, _ . and -, starting with a letter or digit."
        : trimmed.length > 128
          ? "At most 128 characters."
          : trimmed === currentName
            ? "That is its name now."
            : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    rename.mutate(
      { environmentId, id: containerId, name: trimmed },
      { onSuccess: (result) => onRenamed({ name: trimmed, cli: result.cli }) },
    );
  };
  return (
    <Dialog open={open} onClose={onClose} title={`Rename ${currentName}`}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          label="New name"
          value={name}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setName(e.target.value);
            rename.reset();
          }}
          error={name !== currentName ? (problem ?? undefined) : undefined}
        />
        <p className="text-sm text-muted">
          Links and scripts that use the old name stop finding it; its id, volumes and networks stay.
        </p>
        {rename.error ? <Alert title="Could not rename it">{errorMessage(rename.error)}</Alert> : null}
        <FormActions onCancel={onClose} pending={rename.isPending}>
          Rename
        </FormActions>
      </form>
    </Dialog>
  );
}
