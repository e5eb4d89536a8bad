"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { parseKeyValues } from "../volumes/key-values";
import { formErrors } from "../trpc-errors";
import { useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../ui/field";

const DRIVERS = ["bridge", "overlay", "macvlan", "ipvlan"] as const;

export function CreateNetworkDialog({
  environments,
  onClose,
  onCreated,
}: {
  environments: { id: string; name: string }[];
  onClose: () => void;
  onCreated: (result: { name: string; environmentName: string; cli: string; warning: string }) => void;
}) {
  const client = useTRPCClient();
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [name, setName] = useState("");
  const [driver, setDriver] = useState<(typeof DRIVERS)[number]>("bridge");
  const [subnet, setSubnet] = useState("");
  const [gateway, setGateway] = useState("");
  const [ipRange, setIpRange] = useState("");
  const [internal, setInternal] = useState(false);
  const [attachable, setAttachable] = useState(false);
  const [encrypted, setEncrypted] = useState(false);
  const [options, setOptions] = useState("");
  const overlay = driver === "overlay";
  const create = useMutation({
    mutationFn: () =>
      client.networks.create.mutate({
        environmentId,
        name,
        driver,
        ipam: subnet ? [{ subnet, ...(gateway ? { gateway } : {}), ...(ipRange ? { ipRange } : {}) }] : [],
        internal,
        attachable: overlay && attachable,
        encrypted: overlay && encrypted,
        options: parseKeyValues(options),
      }),
    onSuccess: (result) =>
      onCreated({
        name: result.name,
        environmentName: environments.find((e) => e.id === environmentId)?.name ?? environmentId,
        cli: result.cli,
        warning: result.warning,
      }),
  });
  const { alert, fields } = formErrors(create.error, ["name"]);
  return (
    <Dialog open onClose={onClose} title="Create a network">
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
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} required />
        <SelectField
          label="Driver"
          value={driver}
          onChange={(e) => setDriver(e.target.value as (typeof DRIVERS)[number])}
          hint={
            <>
              Overlay needs a swarm manager; macvlan and ipvlan reach the host&apos;s own network and need host access.
            </>
          }
        >
          {DRIVERS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </SelectField>
        <div className="grid gap-2 sm:grid-cols-3">
          <TextField
            label="Subnet"
            value={subnet}
            onChange={(e) => setSubnet(e.target.value)}
            placeholder="10.10.0.0/24"
          />
          <TextField
            label="Gateway"
            value={gateway}
            onChange={(e) => setGateway(e.target.value)}
            placeholder="10.10.0.1"
          />
          <TextField
            label="IP range"
            value={ipRange}
            onChange={(e) => setIpRange(e.target.value)}
            placeholder="10.10.0.128/25"
          />
        </div>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
            Internal (no way out)
          </label>
          {overlay ? (
            <>
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={attachable} onChange={(e) => setAttachable(e.target.checked)} />
                Attachable
              </label>
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={encrypted} onChange={(e) => setEncrypted(e.target.checked)} />
                Encrypted
              </label>
            </>
          ) : null}
        </div>
        <TextAreaField
          label="Driver options (key=value, one a line)"
          rows={2}
          value={options}
          onChange={(e) => setOptions(e.target.value)}
          placeholder="parent=eth0"
        />
        {alert ? <Alert>{alert}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" pending={create.isPending} disabled={!environmentId}>
            Create network
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
