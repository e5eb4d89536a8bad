"use client";

// Adopt a stack deployed elsewhere (by `docker stack deploy` anywhere): its compose file,
// reconstructed from the live specs or the one it was deployed from, becomes its first version
// here; from then on it is edited and redeployed like any other. Adopting changes nothing on the
// swarm.
import { useMutation } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { Panel } from "../ui/panel";

const ComposeEditor = dynamic(() => import("./compose-editor"), {
  ssr: false,
  loading: () => <Loading label="Loading the editor…" />,
});

export type AdoptAnswer = RouterOutputs["stacks"]["adopt"];

export function StackAdoptPanel({
  environmentId,
  name,
  onAdopted,
}: {
  environmentId: string;
  name: string;
  onAdopted: (answer: AdoptAnswer) => void;
}) {
  const trpc = useTRPC();
  const [supplying, setSupplying] = useState(false);
  const [composeFile, setComposeFile] = useState("");
  const adopt = useMutation(trpc.stacks.adopt.mutationOptions({ onSuccess: onAdopted }));
  return (
    <Panel
      title="Adopt this stack"
      description="It was deployed outside Stevedore. Adopt it to keep its compose file here, then edit and redeploy it like any other. Adopting changes nothing on the swarm."
    >
      <div className="space-y-3">
        <div className="flex flex-wrap gap-2">
          <Button
            variant="primary"
            pending={adopt.isPending && !adopt.variables.composeFile}
            onClick={() => adopt.mutate({ environmentId, name })}
          >
            Adopt: rebuild its compose file from the live specs
          </Button>
          <Button onClick={() => setSupplying((v) => !v)} aria-expanded={supplying}>
            {supplying ? "Hide my compose file" : "Adopt with my own compose file…"}
          </Button>
        </div>
        {supplying ? (
          <div className="space-y-2">
            <ComposeEditor
              value={composeFile}
              onChange={setComposeFile}
              issues={[]}
              label="The compose file it was deployed from"
            />
            <Button
              pending={adopt.isPending && Boolean(adopt.variables.composeFile)}
              disabled={!composeFile.trim()}
              onClick={() => adopt.mutate({ environmentId, name, composeFile })}
            >
              Adopt with this file
            </Button>
          </div>
        ) : null}
        {adopt.isError ? (
          <Alert title="Not adopted">
            <p className="whitespace-pre-wrap">{errorMessage(adopt.error)}</p>
          </Alert>
        ) : null}
      </div>
    </Panel>
  );
}

/** What adopting said: what the kept file cannot express, or how a supplied file differs from the live stack. */
export function AdoptedNotice({ answer, onDismiss }: { answer: AdoptAnswer; onDismiss: () => void }) {
  const changed = answer.diff?.services.filter((s) => s.change !== "unchanged") ?? [];
  return (
    <Alert
      tone={answer.lossy.length || changed.length ? "warning" : "success"}
      title={`Adopted as version ${answer.version}`}
    >
      <div className="space-y-1">
        {answer.lossy.length ? (
          <>
            <p>These live settings cannot be said in a compose file; a redeploy drops them:</p>
            <ul className="list-disc pl-4" aria-label="Settings a compose file cannot say">
              {answer.lossy.map((l, i) => (
                <li key={i}>
                  <span className="font-mono">{l.service}</span> {l.field}: {l.message}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {changed.length ? (
          <p>
            Deploying this file would change {changed.map((s) => `${s.name} (${s.change})`).join(", ")}: review the
            preview before you redeploy.
          </p>
        ) : null}
        {!answer.lossy.length && !changed.length ? <p>Its file matches the live stack.</p> : null}
        <Button size="sm" variant="quiet" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
    </Alert>
  );
}
