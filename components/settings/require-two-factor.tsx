"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useViewer } from "../auth/viewer-context";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { CheckboxField } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";

export function RequireTwoFactorSetting() {
  const trpc = useTRPC();
  const router = useRouter();
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.settings.get.queryKey(), data);
        router.refresh();
      },
    }),
  );
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError)
    return <QueryError error={settings.error} what="the settings" onRetry={() => void settings.refetch()} />;
  const required = (update.isPending ? update.variables.requireTwoFactor : undefined) ?? settings.data.requireTwoFactor;
  // Turning it on without being enrolled would shut the admin out of this very switch.
  const wouldLockOut = !required && !viewer.totpEnabled;
  return (
    <div className="space-y-3">
      <CheckboxField
        label="Require two-factor sign-in for everyone"
        description="Users without it must set it up on their profile before they can do anything else. API tokens are not affected."
        checked={required}
        disabled={update.isPending || wouldLockOut}
        onChange={(e) => update.mutate({ requireTwoFactor: e.target.checked })}
      />
      {wouldLockOut ? (
        <Alert tone="info">
          Set up two-factor sign-in for yourself first, on{" "}
          <Link href="/profile#two-factor" className="font-medium underline">
            your profile
          </Link>
          : otherwise this would lock you out too.
        </Alert>
      ) : null}
      {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
      {update.isSuccess ? (
        <Alert tone="success">
          {update.data.requireTwoFactor ? "Two-factor sign-in is now required." : "Two-factor sign-in is optional."}
        </Alert>
      ) : null}
    </div>
  );
}
