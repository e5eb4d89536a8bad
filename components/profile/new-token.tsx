"use client";

import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";

export function NewToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const example = `curl -H "Authorization: Bearer ${token}" ${window.location.origin}/api/trpc/auth.me`;
  return (
    <div className="space-y-3">
      <Alert tone="success" title={`Token ${name} created`}>
        Copy it now: it is shown only this once. It acts with your permissions until it expires or you revoke it.
      </Alert>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid="new-token"
          className="min-w-0 rounded-md bg-slate-100 px-3 py-1.5 font-mono text-sm break-all dark:bg-slate-800"
        >
          {token}
        </code>
        <CopyButton text={token} label="Copy token" />
      </div>
      <div className="space-y-1">
        <p className="text-sm text-slate-600 dark:text-slate-400">Try it:</p>
        <pre className="rounded-md whitespace-pre-wrap break-all bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100 dark:bg-slate-950">
          {example}
        </pre>
        <CopyButton text={example} label="Copy command" />
      </div>
      <Button size="sm" variant="primary" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
