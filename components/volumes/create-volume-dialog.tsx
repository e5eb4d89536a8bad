"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../ui/field";
import { parseKeyValues } from "./key-values";

export function CreateVolumeDialog({
  environments,
  onClose,
  onCreated,
}: {
  /** where the viewer may create volumes */
  environments: { id: string; name: string }[];
  onClose: () => void;
  onCreated: (result: { name: string; environmentName: string; cli: string }) => void;
}) {
  const client = useTRPCClient();
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [name, setName] = useState("");
  const [driver, setDriver] = useState("local");
  const [options, setOptions] = useState("");
  const [labels, setLabels] = useState("");
  const create = useMutation({
    mutationFn: () =>
      client.volumes.create.mutate({
        environmentId,
        name,
        driver,
        options: parseKeyValues(options),
        labels: parseKeyValues(labels),
      }),
    onSuccess: (result) =>
      onCreated({
        name: result.name,
        environmentName: environments.find((e) => e.id === environmentId)?.name ?? environmentId,
        cli: result.cli,
      }),
  });
  const { alert, fields } = formErrors(create.error, ["name", "driver"]);
  return (
    <Dialog open onClose={onClose} title="Create a volume">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <SelectField label="Environment" value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          hint="Empty: the engine names it."
          error={fields.name}
        />
        <TextField label="Driver" value={driver} onChange={(e) => setDriver(e.target.value)} error={fields.driver} />
        <TextAreaField
          label="Driver options (key=value, one a line)"
          rows={3}
          value={options}
          onChange={(e) => setOptions(e.target.value)}
          placeholder={"type=nfs\no=addr=10.0.0.5,rw\ndevice=:/export"}
          hint={
            <>
              Options that reach the host (a bind of a host path, NFS, a device) need host access on that environment.
            </>
          }
        />
        <TextAreaField
          label="Labels (key=value, one a line)"
          rows={2}
          value={labels}
          onChange={(e) => setLabels(e.target.value)}
        />
        {alert ? <Alert>{alert}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" pending={create.isPending} disabled={!environmentId}>
            Create volume
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
