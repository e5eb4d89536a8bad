"use client";

import { errorCode, errorMessage } from "../trpc-errors";
import { Alert } from "./alert";
import { Button } from "./button";
import { NoPermission } from "./no-permission";

/** A list that failed to load: why, and a way to try again. */
export function QueryError({ error, onRetry, what }: { error: unknown; onRetry: () => void; what: string }) {
  const message = errorMessage(error);
  if (errorCode(error) === "FORBIDDEN") {
    const permission = /the (\S+) permission/.exec(message)?.[1];
    if (permission) return <NoPermission permission={permission}>{message}</NoPermission>;
  }
  return (
    <div className="space-y-2">
      <Alert title={`Could not load ${what}`}>{message}</Alert>
      <Button size="sm" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
