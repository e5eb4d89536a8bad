"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Loading } from "../ui/loading";

/** A saved registry's repositories (the catalog) and each one's tags. */
export function BrowseRegistryDialog({ id, name, onClose }: { id: string; name: string; onClose: () => void }) {
  const trpc = useTRPC();
  const [repository, setRepository] = useState<string | null>(null);
  const repositories = useQuery(trpc.registries.repositories.queryOptions({ id, n: 200 }));
  const tags = useQuery({
    ...trpc.registries.tags.queryOptions({ id, repository: repository ?? "x" }),
    enabled: repository !== null,
  });
  return (
    <Dialog open onClose={onClose} title={`Browse ${name}`} wide>
      <div className="grid gap-4 text-sm sm:grid-cols-2">
        <section aria-label="Repositories">
          <h3 className="mb-1 font-medium">Repositories</h3>
          {repositories.isPending ? <Loading label="Reading the catalog…" /> : null}
          {repositories.isError ? <Alert>{errorMessage(repositories.error)}</Alert> : null}
          <ul className="max-h-72 overflow-y-auto">
            {(repositories.data?.repositories ?? []).map((r) => (
              <li key={r}>
                <Button
                  size="sm"
                  variant={r === repository ? "primary" : "quiet"}
                  onClick={() => setRepository(r)}
                  className="w-full justify-start font-mono"
                >
                  {r}
                </Button>
              </li>
            ))}
          </ul>
          {repositories.data && !repositories.data.repositories.length ? (
            <p className="text-muted">No repositories.</p>
          ) : null}
        </section>
        <section aria-label="Tags">
          <h3 className="mb-1 font-medium">{repository ? `Tags of ${repository}` : "Tags"}</h3>
          {repository === null ? <p className="text-muted">Choose a repository.</p> : null}
          {tags.isFetching ? <Loading label="Reading the tags…" /> : null}
          {tags.isError ? <Alert>{errorMessage(tags.error)}</Alert> : null}
          <ul className="max-h-72 overflow-y-auto font-mono text-xs">
            {(tags.data?.tags ?? []).map((t) => (
              <li key={t} className="py-0.5">
                {t}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </Dialog>
  );
}
