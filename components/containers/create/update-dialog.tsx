"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { updateSpec } from "@/server/containers/spec";
import { errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { Dialog } from "../../ui/dialog";
import { Loading } from "../../ui/loading";
import type { RestartName } from "./form-model";
import { ResourceLimitFields, RestartPolicyFields, type LimitValues } from "./limit-fields";
import { FormActions } from "../../ui/form-actions";

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes ? String(Math.round((bytes / MB) * 100) / 100) : "");

type Current = LimitValues;

/**
 * "Update…": restart policy, memory, CPUs and process limit of a running container
 * (docker container update). Opened from the list's row menu, and later the details page.
 * Only what was changed is sent; the answer shows the equivalent docker command.
 */
export function UpdateContainerDialog({
  open,
  onClose,
  environmentId,
  containerId,
  name,
}: {
  open: boolean;
  onClose: () => void;
  environmentId: string;
  containerId: string;
  name: string;
}) {
  const trpc = useTRPC();
  const detail = useQuery({
    ...trpc.containers.get.queryOptions({ environmentId, id: containerId }),
    enabled: open,
  });
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Update ${name}`}
      description="Restart policy and resources take effect at once, without a restart."
    >
      {!open ? null : detail.isPending ? (
        <Loading label="Reading the container…" />
      ) : detail.isError ? (
        <Alert>{errorMessage(detail.error)}</Alert>
      ) : (
        <UpdateForm
          environmentId={environmentId}
          containerId={containerId}
          current={{
            restart: (["no", "always", "unless-stopped", "on-failure"].includes(detail.data.restartPolicy.name)
              ? detail.data.restartPolicy.name
              : "no") as RestartName,
            maxRetries: detail.data.restartPolicy.maximumRetryCount
              ? String(detail.data.restartPolicy.maximumRetryCount)
              : "",
            memoryMb: mb(detail.data.resources.memory),
            cpus: detail.data.resources.nanoCpus ? String(detail.data.resources.nanoCpus / 1e9) : "",
            pidsLimit:
              detail.data.resources.pidsLimit && detail.data.resources.pidsLimit > 0
                ? String(detail.data.resources.pidsLimit)
                : "",
          }}
          onClose={onClose}
        />
      )}
    </Dialog>
  );
}

function UpdateForm({
  environmentId,
  containerId,
  current,
  onClose,
}: {
  environmentId: string;
  containerId: string;
  current: Current;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Current>(current);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<Current>) => setValues((v) => ({ ...v, ...patch }));
  const update = useMutation(
    trpc.containers.update.mutationOptions({
      onSuccess: () =>
        void queryClient.invalidateQueries({
          queryKey: trpc.containers.get.queryKey({ environmentId, id: containerId }),
        }),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const changes: Record<string, unknown> = {};
    if (values.restart !== current.restart || values.maxRetries !== current.maxRetries) {
      changes.restartPolicy = {
        name: values.restart,
        ...(values.restart === "on-failure" && values.maxRetries.trim()
          ? { maximumRetryCount: Number(values.maxRetries) }
          : {}),
      };
    }
    const number = (text: string) => (text.trim() === "" ? undefined : Number(text));
    if (values.memoryMb !== current.memoryMb) {
      const memory = number(values.memoryMb);
      if (memory === undefined) return setProblem("Docker cannot take a memory limit away once set; give a value.");
      changes.memoryBytes = Math.round(memory * MB);
    }
    if (values.cpus !== current.cpus) {
      const cpus = number(values.cpus);
      if (cpus === undefined) return setProblem("Give a number of CPUs (the engine keeps a limit once set).");
      changes.cpus = cpus;
    }
    if (values.pidsLimit !== current.pidsLimit) changes.pidsLimit = number(values.pidsLimit) ?? 0;
    const parsed = updateSpec.safeParse(changes);
    if (!parsed.success) return setProblem(parsed.error.issues.map((i) => i.message).join(" "));
    update.mutate({ environmentId, id: containerId, ...parsed.data });
  };

  if (update.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title="Updated.">
          {update.data.warnings.length ? <p>The engine warns: {update.data.warnings.join(" ")}</p> : null}
        </Alert>
        <div className="space-y-1">
          <p className="text-sm text-slate-700 dark:text-slate-300">Equivalent command:</p>
          <code
            data-testid="update-cli"
            className="block rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all dark:bg-slate-800"
          >
            {update.data.cli}
          </code>
        </div>
        <div className="flex justify-end gap-2">
          <CopyButton text={update.data.cli} />
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {problem ? <Alert>{problem}</Alert> : null}
      {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <RestartPolicyFields values={values} onChange={set} keepPlace />
        <ResourceLimitFields values={values} onChange={set} />
      </div>
      <FormActions onCancel={onClose} pending={update.isPending}>
        Update container
      </FormActions>
    </form>
  );
}
