"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CheckboxField, SelectField, TextField } from "../ui/field";
import { Dialog } from "../ui/dialog";
import { TransferProgress } from "./transfer-progress";
import type { Transfer } from "./use-transfers";

interface PullEnvironment {
  id: string;
  name: string;
  group: string | null;
}

interface Started {
  operationId: string;
  environmentId: string;
  /** the call's refusal, when it ended before the board knew the operation (bad input, no permission) */
  error?: string;
}

/**
 * Pull one image onto one environment or many at once (a group, or any selection): each
 * environment's pull runs on its own and shows its own progress, layer by layer.
 */
export function PullDialog({
  environments,
  transfers,
  onClose,
  onPulled,
}: {
  environments: PullEnvironment[];
  transfers: ReadonlyMap<string, Transfer>;
  onClose: () => void;
  onPulled: () => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const viewer = useViewer();
  const mayUseRegistries = holdsSomewhere(viewer, "registry.use");
  const registries = useQuery({ ...trpc.registries.usable.queryOptions(), enabled: mayUseRegistries });
  const [image, setImage] = useState("");
  const [registryId, setRegistryId] = useState("");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(
    new Set(environments.length === 1 ? [environments[0]!.id] : []),
  );
  const [started, setStarted] = useState<Started[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const groups = [...new Set(environments.map((e) => e.group).filter((g): g is string => Boolean(g)))].sort();

  const toggle = (id: string, on: boolean) =>
    setChosen((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const start = () => {
    setProblem(null);
    if (!image.trim()) return setProblem("Name the image to pull, e.g. registry.example.com/team/app:1.4.");
    if (!chosen.size) return setProblem("Choose at least one environment.");
    const runs: Started[] = [...chosen].map((environmentId) => ({ environmentId, operationId: crypto.randomUUID() }));
    setStarted(runs);
    for (const run of runs) {
      client.images.pull
        .mutate({
          environmentId: run.environmentId,
          image: image.trim(),
          operationId: run.operationId,
          ...(registryId ? { registryId } : {}),
        })
        .then(onPulled, (error: unknown) =>
          setStarted((old) =>
            old.map((s) => (s.operationId === run.operationId ? { ...s, error: errorMessage(error) } : s)),
          ),
        );
    }
  };

  const running = started.some(
    (s) => !s.error && transfers.get(s.operationId)?.state !== "ok" && transfers.get(s.operationId)?.state !== "error",
  );
  const nameOf = (id: string) => environments.find((e) => e.id === id)?.name ?? id;

  return (
    <Dialog open onClose={onClose} title="Pull an image" wide>
      <div className="space-y-4 text-sm">
        {started.length ? (
          <div className="space-y-3" data-testid="pull-progress">
            {started.map((run) => {
              const transfer = transfers.get(run.operationId);
              if (run.error && !transfer) {
                return (
                  <Alert key={run.operationId} title={`${nameOf(run.environmentId)}: not pulled`}>
                    {run.error}
                  </Alert>
                );
              }
              return transfer ? (
                <TransferProgress key={run.operationId} transfer={transfer} />
              ) : (
                <p key={run.operationId} className="text-muted">
                  Starting on {nameOf(run.environmentId)}…
                </p>
              );
            })}
            <div className="flex justify-end gap-2">
              <Button onClick={onClose}>{running ? "Keep pulling in the background" : "Close"}</Button>
            </div>
          </div>
        ) : (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              start();
            }}
          >
            <TextField
              label="Image"
              value={image}
              onChange={(e) => setImage(e.target.value)}
              placeholder="registry.example.com/team/app:1.4"
              hint="name[:tag] or name@digest; without a tag, latest."
              autoFocus
            />
            {mayUseRegistries ? (
              <SelectField
                label="Registry credentials"
                value={registryId}
                onChange={(e) => setRegistryId(e.target.value)}
                hint={
                  registries.isError ? errorMessage(registries.error) : "The saved registry to log in to for this pull."
                }
              >
                <option value="">None (anonymous)</option>
                {(registries.data ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} ({r.host})
                  </option>
                ))}
              </SelectField>
            ) : null}
            <fieldset className="space-y-2">
              <legend className="mb-1 font-medium">Environments</legend>
              {groups.length ? (
                <div className="flex flex-wrap items-center gap-2 text-xs">
                  <span className="text-muted">Choose a group:</span>
                  {groups.map((group) => (
                    <Button
                      key={group}
                      size="sm"
                      variant="quiet"
                      onClick={() => setChosen(new Set(environments.filter((e) => e.group === group).map((e) => e.id)))}
                    >
                      {group}
                    </Button>
                  ))}
                </div>
              ) : null}
              <div className="grid max-h-48 grid-cols-1 gap-1 overflow-y-auto sm:grid-cols-2">
                {environments.map((env) => (
                  <CheckboxField
                    key={env.id}
                    label={env.name}
                    checked={chosen.has(env.id)}
                    onChange={(e) => toggle(env.id, e.target.checked)}
                  />
                ))}
              </div>
            </fieldset>
            {problem ? <Alert>{problem}</Alert> : null}
            <div className="flex justify-end gap-2">
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" variant="primary">
                Pull{chosen.size > 1 ? ` on ${chosen.size} environments` : ""}
              </Button>
            </div>
          </form>
        )}
      </div>
    </Dialog>
  );
}
