"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";

/** How long the audit trail keeps events; older ones are pruned daily, the chain stays verifiable. */
export function AuditRetentionSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const [draft, setDraft] = useState<string | null>(null);
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.settings.get.queryKey(), data);
        setDraft(null);
      },
    }),
  );
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError)
    return <QueryError error={settings.error} what="the settings" onRetry={() => void settings.refetch()} />;
  const value = draft ?? String(settings.data.auditRetentionDays);
  const { alert, fields } = formErrors(update.error, ["auditRetentionDays"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const days = Number(value);
    update.mutate({ auditRetentionDays: Number.isFinite(days) ? Math.trunc(days) : -1 });
  };
  return (
    <form onSubmit={submit} className="flex flex-col items-start gap-3">
      <div className="w-full max-w-sm">
        <TextField
          id="audit-retention-days"
          label="Keep audit events for (days)"
          type="number"
          required
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          error={fields.auditRetentionDays ?? null}
          hint="7 to 3650. Older events are pruned daily; a checkpoint keeps the rest verifiable."
        />
      </div>
      <Button type="submit" variant="primary" disabled={update.isPending || draft === null}>
        {update.isPending ? "Saving…" : "Save"}
      </Button>
      {alert ? <Alert>{alert}</Alert> : null}
      {update.isSuccess ? (
        <Alert tone="success">Audit events are kept {update.data.auditRetentionDays} days.</Alert>
      ) : null}
    </form>
  );
}
