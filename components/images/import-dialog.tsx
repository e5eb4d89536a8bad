"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { formatSize } from "../resources/list-kit";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextField } from "../ui/field";

const IMPORT_PATH = "/api/images/import";
const answer = z.object({ loaded: z.array(z.string()), cli: z.string() });
const refusal = z.object({ error: z.string() });

/**
 * Load a `docker image save` tar onto an environment, or, with a name, import a root file
 * system tar as that image. The file goes up as the request body (PUT /api/images/import).
 */
export function ImportDialog({
  environments,
  onClose,
  onImported,
}: {
  environments: { id: string; name: string }[];
  onClose: () => void;
  onImported: (result: { text: string; cli: string }) => void;
}) {
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [reference, setReference] = useState("");
  const upload = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error("Choose a tar file.");
      const params = new URLSearchParams({ environmentId });
      if (reference.trim()) params.set("reference", reference.trim());
      const response = await fetch(`${IMPORT_PATH}?${params.toString()}`, {
        method: "PUT",
        body: file,
        headers: { "content-type": "application/x-tar" },
      });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const parsed = refusal.safeParse(body);
        throw new Error(parsed.success ? parsed.data.error : `The server answered ${response.status}.`);
      }
      return answer.parse(body);
    },
    onSuccess: (result) => {
      const name = environments.find((e) => e.id === environmentId)?.name ?? environmentId;
      onImported({ text: `Loaded ${result.loaded.join(", ")} on ${name}.`, cli: result.cli });
    },
  });
  return (
    <Dialog open onClose={onClose} title="Load an image">
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          upload.mutate();
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
          label="Archive"
          type="file"
          accept=".tar,application/x-tar"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          hint={
            file ? `${file.name}, ${formatSize(file.size)}` : "A tar written by docker image save (docker image load)."
          }
        />
        <TextField
          label="Import as (optional)"
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          placeholder="name:tag"
          hint="Only for a root file system tar (docker image import); leave empty for a saved image."
        />
        {upload.error ? <Alert>{upload.error.message}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" pending={upload.isPending} disabled={!file || !environmentId}>
            Load
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
