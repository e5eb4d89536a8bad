"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { CheckboxField } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";

/** Whether console recordings keep keystrokes as well as the screen. */
export function ConsoleRecordingSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.settings.get.queryKey(), data),
    }),
  );
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError)
    return <QueryError error={settings.error} what="the settings" onRetry={() => void settings.refetch()} />;
  const recordInput =
    (update.isPending ? update.variables.consoleRecordInput : undefined) ?? settings.data.consoleRecordInput;
  return (
    <div className="space-y-3">
      <CheckboxField
        label="Record what is typed, too"
        description="Every console session's output is always recorded and can be replayed from the audit trail. With this on, keystrokes are kept as well (and shown in the replay), including passwords typed at prompts. Applies to consoles opened from now on."
        checked={recordInput}
        disabled={update.isPending}
        onChange={(e) => update.mutate({ consoleRecordInput: e.target.checked })}
      />
      {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
    </div>
  );
}
