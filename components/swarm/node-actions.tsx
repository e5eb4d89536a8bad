"use client";

// A node's actions beside availability: promote / demote (with the quorum after, and the
// refusal for the last manager), labels add / remove, and remove node (what it means first).
// Each dialog shows its `docker node ...` line before anything is sent; the answer's line, as
// run through the manager that served it, is shown after.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { CheckboxField, TextField } from "../ui/field";
import { Loading } from "../ui/loading";
import { shellQuote as shellWord } from "@/server/workloads/cli";

type NodeRow = RouterOutputs["nodes"]["list"]["items"][number];
export type NodeAction = "promote" | "demote" | "labels" | "remove";

/** The action buttons of one node row. */
export function NodeActionButtons({ row, onAction }: { row: NodeRow; onAction: (a: NodeAction) => void }) {
  const label = (what: string) => `${what} ${row.hostname}`;
  return (
    <span className="flex flex-wrap gap-1">
      {row.role === "worker" ? (
        <Button size="sm" variant="quiet" aria-label={label("Promote")} onClick={() => onAction("promote")}>
          Promote
        </Button>
      ) : (
        <Button size="sm" variant="quiet" aria-label={label("Demote")} onClick={() => onAction("demote")}>
          Demote
        </Button>
      )}
      <Button size="sm" variant="quiet" aria-label={label("Labels of")} onClick={() => onAction("labels")}>
        Labels
      </Button>
      <Button size="sm" variant="quiet" aria-label={label("Remove")} onClick={() => onAction("remove")}>
        Remove
      </Button>
    </span>
  );
}

const line = (words: string[]) => `docker ${words.map(shellWord).join(" ")}`;

export function NodeActionDialog({
  row,
  action,
  onClose,
  onDone,
}: {
  row: NodeRow;
  action: NodeAction;
  onClose: () => void;
  onDone: (text: string, cli: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const target = { environmentId: row.environmentId, id: row.id };
  const finish = (text: string) => (result: { cli: string }) => {
    onDone(text, result.cli);
    void queryClient.invalidateQueries({ queryKey: trpc.nodes.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.swarm.clusters.queryKey() });
  };
  const role = action === "promote" ? "manager" : "worker";
  const preview = useQuery({
    ...trpc.nodes.rolePreview.queryOptions({ ...target, role }),
    enabled: action === "promote" || action === "demote",
  });
  const promote = useMutation(
    trpc.nodes.promote.mutationOptions({ onSuccess: finish(`${row.hostname} is a manager.`) }),
  );
  const demote = useMutation(trpc.nodes.demote.mutationOptions({ onSuccess: finish(`${row.hostname} is a worker.`) }));
  const labels = useMutation(
    trpc.nodes.updateLabels.mutationOptions({ onSuccess: finish(`Labels of ${row.hostname} changed.`) }),
  );
  const remove = useMutation(
    trpc.nodes.remove.mutationOptions({ onSuccess: finish(`${row.hostname} was removed from the swarm.`) }),
  );
  const [force, setForce] = useState(false);
  const [dropped, setDropped] = useState<string[]>([]);
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");

  if (action === "promote" || action === "demote") {
    const running = action === "promote" ? promote : demote;
    return (
      <ConfirmDialog
        open
        onClose={onClose}
        title={`${action === "promote" ? "Promote" : "Demote"} ${row.hostname}?`}
        confirmLabel={action === "promote" ? "Promote" : "Demote"}
        tone={action === "promote" ? "primary" : "danger"}
        onConfirm={() => running.mutate(target)}
        pending={running.isPending}
        error={running.error ? errorMessage(running.error) : null}
      >
        {preview.isPending ? (
          <Loading label="Working out the quorum after…" />
        ) : preview.isError ? (
          <p>{errorMessage(preview.error)}</p>
        ) : (
          <div className="space-y-2" data-testid="node-action-preview">
            <p>
              {action === "promote"
                ? `${row.hostname} will take part in the raft consensus and can serve the swarm's API.`
                : `${row.hostname} will stop being a manager; its tasks stay where they are.`}{" "}
              Managers after: {preview.data.after.managers}, majority {preview.data.after.majority}, survives{" "}
              {preview.data.after.faultTolerance} failure{preview.data.after.faultTolerance === 1 ? "" : "s"}.
            </p>
            {preview.data.refusal ? <Alert title="Refused">{preview.data.refusal}</Alert> : null}
            {preview.data.warnings.map((w) => (
              <Alert key={w} tone="warning" title="Quorum">
                {w}
              </Alert>
            ))}
            <code className="block font-mono text-xs">{preview.data.cli}</code>
          </div>
        )}
      </ConfirmDialog>
    );
  }

  if (action === "labels") {
    const current = Object.entries(row.labels);
    const add = key.trim() ? { [key.trim()]: value } : {};
    const words = [
      "node",
      "update",
      ...dropped.flatMap((k) => ["--label-rm", k]),
      ...Object.entries(add).flatMap(([k, v]) => ["--label-add", `${k}=${v}`]),
      row.hostname,
    ];
    const nothing = !dropped.length && !key.trim();
    return (
      <ConfirmDialog
        open
        onClose={onClose}
        title={`Labels of ${row.hostname}`}
        confirmLabel="Save labels"
        tone="primary"
        onConfirm={() => (nothing ? undefined : labels.mutate({ ...target, add, remove: dropped }))}
        pending={labels.isPending}
        error={labels.error ? errorMessage(labels.error) : null}
      >
        <div className="space-y-3">
          {current.length ? (
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium">Current labels (tick to remove)</legend>
              {current.map(([k, v]) => (
                <CheckboxField
                  key={k}
                  label={`Remove ${k}=${v}`}
                  checked={dropped.includes(k)}
                  onChange={(e) => setDropped((d) => (e.target.checked ? [...d, k] : d.filter((x) => x !== k)))}
                />
              ))}
            </fieldset>
          ) : (
            <p className="text-sm text-muted">{row.hostname} has no labels.</p>
          )}
          <div className="grid grid-cols-2 gap-2">
            <TextField label="Label key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="zone" />
            <TextField label="Label value" value={value} onChange={(e) => setValue(e.target.value)} placeholder="a" />
          </div>
          <p className="text-xs text-subtle">
            Placement constraints read them as node.labels.KEY==VALUE. A key given again changes its value.
          </p>
          {nothing ? (
            <p className="text-sm text-muted">Tick a label to remove or type one to add.</p>
          ) : (
            <code className="block font-mono text-xs" data-testid="node-action-preview">
              {line(words)}
            </code>
          )}
        </div>
      </ConfirmDialog>
    );
  }

  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Remove ${row.hostname} from the swarm?`}
      confirmLabel="Remove node"
      tone="danger"
      onConfirm={() => remove.mutate({ ...target, force })}
      pending={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
    >
      <div className="space-y-2" data-testid="node-action-preview">
        <p>
          The swarm forgets the node: its tasks are scheduled elsewhere and it no longer counts for placement. It is
          meant for a node whose engine has left (docker swarm leave there) or is gone for good.
        </p>
        {row.role === "manager" ? (
          <Alert title="A manager">{row.hostname} is a manager: demote it first, then remove it.</Alert>
        ) : row.state !== "down" ? (
          <>
            <Alert tone="warning" title={`${row.hostname} is ${row.state}`}>
              Its engine still believes it is in the swarm. Only with force is it removed; drain it first so its tasks
              move calmly, and have its engine leave the swarm.
            </Alert>
            <CheckboxField
              label="Remove it anyway (force)"
              checked={force}
              onChange={(e) => setForce(e.target.checked)}
            />
          </>
        ) : null}
        <code className="block font-mono text-xs">
          {line(["node", "rm", ...(force ? ["--force"] : []), row.hostname])}
        </code>
      </div>
    </ConfirmDialog>
  );
}
