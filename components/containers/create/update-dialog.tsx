"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { FormProvider, useForm } from "react-hook-form";
import type { UpdateSpec } from "@/server/workloads/container-spec";
import { errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { Dialog } from "../../ui/dialog";
import { FormActions } from "../../ui/form-actions";
import { Loading } from "../../ui/loading";
import type { LimitValues } from "../../workload-form/limits";
import { specResolver } from "../../workload-form/resolver";
import { ResourceLimitFields, RestartPolicyFields } from "../../workload-form/sections/limit-fields";
import { limitValuesOf, toUpdate } from "./update-model";

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
          current={limitValuesOf(detail.data)}
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
  current: LimitValues;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resolver = useMemo(() => specResolver((values: LimitValues) => toUpdate(values, current)), [current]);
  const form = useForm<LimitValues, unknown, UpdateSpec>({ defaultValues: current, resolver });
  const update = useMutation(
    trpc.containers.update.mutationOptions({
      onSuccess: () =>
        void queryClient.invalidateQueries({
          queryKey: trpc.containers.get.queryKey({ environmentId, id: containerId }),
        }),
    }),
  );
  const submit = form.handleSubmit((changes) => update.mutate({ environmentId, id: containerId, ...changes }));
  const problem = form.formState.errors.root?.message;

  if (update.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title="Updated.">
          {update.data.warnings.length ? <p>The engine warns: {update.data.warnings.join(" ")}</p> : null}
        </Alert>
        <div className="space-y-1">
          <p className="text-sm text-fg">Equivalent command:</p>
          <code data-testid="update-cli" className="block rounded bg-hover px-2 py-1.5 font-mono text-xs break-all">
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
    <FormProvider {...form}>
      <form onSubmit={(event) => void submit(event)} className="space-y-4" noValidate>
        {problem ? <Alert>{problem}</Alert> : null}
        {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <RestartPolicyFields keepPlace />
          <ResourceLimitFields />
        </div>
        <FormActions onCancel={onClose} pending={update.isPending}>
          Update container
        </FormActions>
      </form>
    </FormProvider>
  );
}
