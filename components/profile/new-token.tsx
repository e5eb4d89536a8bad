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
        <code data-testid="new-token" className="min-w-0 rounded-md bg-hover px-3 py-1.5 font-mono text-sm break-all">
          {token}
        </code>
        <CopyButton text={token} label="Copy token" />
      </div>
      <div className="space-y-1">
        <p className="text-sm text-muted">Try it:</p>
        <pre className="rounded-md whitespace-pre-wrap break-all bg-terminal px-3 py-2 font-mono text-xs text-terminal-fg">
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
