"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { Loading } from "../../ui/loading";
import { QueryError } from "../../ui/query-error";

/** The engine's inspect document, as `docker inspect` prints it (secret-looking env values masked). */
export function ContainerInspect({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const inspect = useQuery({
    ...trpc.containers.inspect.queryOptions({ environmentId, id: containerId }),
    retry: false,
  });
  if (inspect.isPending) return <Loading label="Loading the inspect document…" />;
  if (inspect.isError) {
    return <QueryError error={inspect.error} what="the inspect document" onRetry={() => void inspect.refetch()} />;
  }
  const text = JSON.stringify(inspect.data.inspect, null, 2);
  return (
    <section aria-labelledby="inspect-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="inspect-heading" className="text-base font-semibold">
            Raw inspect
          </h2>
          <p className="text-sm text-muted">
            {inspect.data.secretsRevealed
              ? "As the engine returns it."
              : "As the engine returns it, with values of secret-looking variables in Config.Env masked."}
          </p>
        </div>
        <div className="flex gap-2">
          <Button size="sm" onClick={() => void inspect.refetch()} pending={inspect.isFetching}>
            Refresh
          </Button>
          <CopyButton text={text} label="Copy JSON" />
        </div>
      </div>
      <pre
        data-testid="inspect-json"
        tabIndex={0}
        aria-label="Inspect JSON"
        className="max-h-[70vh] overflow-auto rounded-lg border border-border bg-canvas p-4 font-mono text-xs leading-relaxed text-fg"
      >
        {text}
      </pre>
    </section>
  );
}
