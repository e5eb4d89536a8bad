"use client";

// The prune dialog of every fleet-wide resource list: choose the environment (and, where the
// engine has one, the wider rule), read what would go, then prune exactly that. Each resource
// runs its own preview query and prune mutation (typed by its router) and says how to list
// what goes; the choice, states and buttons are here.
import { useState, type ReactNode } from "react";
import { errorMessage } from "../trpc-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { CheckboxField, SelectField } from "../ui/field";
import { Loading } from "../ui/loading";

type Environment = { id: string; name: string };

/** Where to prune and how widely (`all`: the engine's `-a` / named volumes too). */
export function usePruneChoice(environments: readonly Environment[]) {
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? "");
  const [all, setAll] = useState(false);
  const environmentName = environments.find((e) => e.id === environmentId)?.name ?? environmentId;
  return { environmentId, setEnvironmentId, all, setAll, environmentName };
}

export type PruneChoice = ReturnType<typeof usePruneChoice>;

export function PruneDialog({
  title,
  noun,
  environments,
  choice,
  allOption,
  preview,
  going,
  summary,
  nothing,
  prune,
  onClose,
}: {
  title: string;
  noun: readonly [string, string];
  environments: readonly Environment[];
  choice: PruneChoice;
  /** The wider rule's checkbox, where the resource has one. */
  allOption?: { label: string; description?: string };
  preview: { isPending: boolean; isError: boolean; error: unknown; data: unknown };
  /** What would go, once the preview is read: a line each. */
  going: readonly { key: string; text: ReactNode }[];
  /** The line over the list of what goes ("3 images go, freeing 10 MiB:"). */
  summary: ReactNode;
  /** Said when nothing would go. */
  nothing: string;
  prune: { isPending: boolean; error: unknown; mutate: () => void };
  onClose: () => void;
}) {
  return (
    <Dialog open onClose={onClose} title={title}>
      <div className="space-y-3 text-sm">
        <SelectField
          label="Environment"
          value={choice.environmentId}
          onChange={(e) => choice.setEnvironmentId(e.target.value)}
        >
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
        {allOption ? (
          <CheckboxField
            label={allOption.label}
            description={allOption.description}
            checked={choice.all}
            onChange={(e) => choice.setAll(e.target.checked)}
          />
        ) : null}
        {preview.isPending ? <Loading label="Reading what would go…" /> : null}
        {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
        {preview.data ? (
          going.length ? (
            <div data-testid="prune-preview">
              <p>{summary}</p>
              <ul className="mt-1 max-h-40 list-disc overflow-y-auto pl-5 font-mono text-xs">
                {going.map((item) => (
                  <li key={item.key}>{item.text}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p data-testid="prune-preview">{nothing}</p>
          )
        ) : null}
        {prune.error ? <Alert>{errorMessage(prune.error)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" pending={prune.isPending} disabled={!going.length} onClick={() => prune.mutate()}>
            Prune {going.length} {going.length === 1 ? noun[0] : noun[1]}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
