"use client";

import { Terminal } from "lucide-react";
import { CopyButton } from "../../ui/copy-button";

/** The `docker run` line that makes the same container, as the form stands. */
export function CliPreview({ cli }: { cli: string | null }) {
  return (
    <section aria-labelledby="cli-preview-heading" className="rounded-lg border border-border bg-surface">
      <header className="flex items-center justify-between gap-2 border-b border-border px-4 py-2">
        <h2 id="cli-preview-heading" className="flex items-center gap-2 text-sm font-semibold">
          <Terminal aria-hidden className="size-4 text-subtle" />
          Equivalent command
        </h2>
        {cli ? <CopyButton text={cli} /> : null}
      </header>
      <div className="px-4 py-3">
        {cli ? (
          <pre
            data-testid="cli-preview"
            className="max-h-72 overflow-auto font-mono text-xs break-all whitespace-pre-wrap text-fg"
          >
            {cli}
          </pre>
        ) : (
          <p className="text-sm text-subtle">Choose an image (and fix any field marked) to see the docker command.</p>
        )}
      </div>
    </section>
  );
}
