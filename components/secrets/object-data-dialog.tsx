"use client";

// Create a secret or config, or rotate one: its data typed, or read from a file (sent as base64,
// so any bytes survive). A secret's data goes to the server once and never comes back: the
// field is a password field and is emptied when the dialog closes.
import { useMutation } from "@tanstack/react-query";
import { Upload } from "lucide-react";
import { useState, type ChangeEvent } from "react";
import { parseKeyValues } from "../volumes/key-values";
import { formErrors } from "../trpc-errors";
import { useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../ui/field";
import type { SwarmObjectRow } from "./columns";

export type ObjectKind = "secret" | "config";
const MAX_BYTES = 500 * 1024;

export interface DataDialogResult {
  text: string;
  cli: string;
}

/** The bytes of a file as base64, in chunks (a spread of 500 KiB would overflow the call stack). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function ObjectDataDialog({
  kind,
  swarms,
  rotating,
  onClose,
  onDone,
}: {
  kind: ObjectKind;
  /** create: the swarms the viewer may write on */
  swarms: { environmentId: string; name: string }[];
  /** rotate: the object to replace */
  rotating: SwarmObjectRow | null;
  onClose: () => void;
  onDone: (result: DataDialogResult) => void;
}) {
  const client = useTRPCClient();
  const [environmentId, setEnvironmentId] = useState(rotating?.environmentId ?? swarms[0]?.environmentId ?? "");
  const [name, setName] = useState("");
  const [newName, setNewName] = useState("");
  const [labels, setLabels] = useState("");
  const [text, setText] = useState("");
  const [file, setFile] = useState<{ name: string; base64: string; size: number } | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const payload = file ? { data: file.base64, encoding: "base64" as const } : { data: text, encoding: "utf8" as const };

  const save = useMutation({
    mutationFn: async (): Promise<DataDialogResult> => {
      if (rotating) {
        const input = {
          environmentId: rotating.environmentId,
          name: rotating.name,
          ...(newName.trim() ? { newName: newName.trim() } : {}),
          ...payload,
        };
        const r = kind === "secret" ? await client.secrets.rotate.mutate(input) : await client.configs.rotate.mutate(input);
        const updated = r.services.filter((s) => s.updated).map((s) => s.service);
        return {
          text:
            `Rotated ${r.old.name} to ${r.created.name}` +
            (updated.length ? `; updated ${updated.join(", ")}` : "; no service used it") +
            (r.oldRemoved ? `; removed ${r.old.name}.` : `. ${r.note ?? ""}`),
          cli: r.cli.join(" && "),
        };
      }
      const input = { environmentId, name: name.trim(), labels: parseKeyValues(labels), ...payload };
      const r = kind === "secret" ? await client.secrets.create.mutate(input) : await client.configs.create.mutate(input);
      return { text: `Created ${kind} ${r.name}.`, cli: r.cli };
    },
    onSuccess: onDone,
  });
  const { alert, fields } = formErrors(save.error, ["name", "newName", "data", "labels"]);

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    event.target.value = "";
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) return setFileProblem(`${chosen.name} is over 500 KiB.`);
    if (chosen.size === 0) return setFileProblem(`${chosen.name} is empty.`);
    setFileProblem(null);
    setFile({ name: chosen.name, base64: await base64Of(chosen), size: chosen.size });
  }

  const title = rotating ? `Rotate ${rotating.name}` : `Create a ${kind}`;
  const hasData = file !== null || text !== "";
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      wide
      description={
        rotating ? (
          <>
            A new version is created with this data and mounted where {rotating.name} was in{" "}
            {rotating.usedBy.length ? rotating.usedBy.map((u) => u.service).join(", ") : "no service (none uses it)"}
            ; their tasks restart. {rotating.name} is removed once no task uses it.
          </>
        ) : kind === "secret" ? (
          "Its data goes to the swarm and is never shown again, here or anywhere."
        ) : undefined
      }
    >
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {rotating ? (
          <TextField
            label="Name of the new version"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            placeholder={`${rotating.name.replace(/-v(\d+)$/, "")}-v…`}
            hint="Leave empty for the next number (name-v2, name-v3…)."
            error={fields.newName}
          />
        ) : (
          <>
            <SelectField
              label="Swarm (through its manager)"
              value={environmentId}
              onChange={(e) => setEnvironmentId(e.target.value)}
            >
              {swarms.map((s) => (
                <option key={s.environmentId} value={s.environmentId}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={fields.name}
              required
              autoComplete="off"
            />
          </>
        )}
        {file ? (
          <div className="flex items-center gap-2 text-sm">
            <span>
              From <span className="font-mono">{file.name}</span> ({file.size} bytes)
            </span>
            <Button size="sm" variant="quiet" onClick={() => setFile(null)}>
              Type it instead
            </Button>
          </div>
        ) : kind === "secret" ? (
          <TextField
            label="Value"
            type="password"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="new-password"
            error={fields.data}
            hint="One line; for several lines or binary data, read it from a file."
          />
        ) : (
          <TextAreaField
            label="Content"
            rows={6}
            className="font-mono text-xs"
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={fields.data}
          />
        )}
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-border-strong bg-surface px-3 py-1.5 text-sm font-medium hover:bg-hover has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring">
          <Upload aria-hidden className="size-4" />
          Read it from a file
          <input type="file" className="sr-only" onChange={(e) => void chooseFile(e)} />
        </label>
        {fileProblem ? <Alert>{fileProblem}</Alert> : null}
        {rotating ? null : (
          <TextAreaField
            label="Labels (key=value, one a line)"
            rows={2}
            value={labels}
            onChange={(e) => setLabels(e.target.value)}
            error={fields.labels}
          />
        )}
        {alert ? <Alert>{alert}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            pending={save.isPending}
            disabled={!hasData || (!rotating && (!environmentId || !name.trim()))}
          >
            {rotating ? "Rotate" : `Create ${kind}`}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
