"use client";

import { Terminal } from "lucide-react";
import { CopyButton } from "../../ui/copy-button";

/** The `docker run` line that makes the same container, as the form stands. */
export function CliPreview({ cli }: { cli: string | null }) {
  return (
    <section
      aria-labelledby="cli-preview-heading"
      className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <h2 id="cli-preview-heading" className="flex items-center gap-2 text-sm font-semibold">
          <Terminal aria-hidden className="size-4 text-slate-500" />
          Equivalent command
        </h2>
        {cli ? <CopyButton text={cli} /> : null}
      </header>
      <div className="px-4 py-3">
        {cli ? (
          <pre
            data-testid="cli-preview"
            className="max-h-72 overflow-auto font-mono text-xs break-all whitespace-pre-wrap text-slate-800 dark:text-slate-200"
          >
            {cli}
          </pre>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            Choose an image (and fix any field marked) to see the docker command.
          </p>
        )}
      </div>
    </section>
  );
}
