"use client";

import type { RouterOutputs } from "../api-types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";

type Verification = RouterOutputs["audit"]["verify"];

/** The chain check's answer, prominently: intact, or where it breaks and how. */
export function VerifyResult({
  result,
  onShowEvent,
  onDismiss,
}: {
  result: Verification;
  onShowEvent: (id: string) => void;
  onDismiss: () => void;
}) {
  return (
    <div data-testid="verify-result" className="mb-4 flex items-start gap-2">
      <div className="min-w-0 flex-1">
        {result.ok ? (
          <Alert tone="success" title="The audit chain is intact">
            <p>
              {result.checked === 0
                ? "There are no events yet."
                : `${result.checked.toLocaleString()} links checked (#${result.from} to #${result.through}); none was changed, removed or inserted${result.recordingsChecked ? `, and ${result.recordingsChecked.toLocaleString()} console recordings match their digests` : ""}.`}
            </p>
            {result.head ? (
              <p className="mt-1 flex flex-wrap items-center gap-2">
                <span>Head:</span>
                <code className="font-mono text-xs break-all" data-testid="verify-head">
                  {result.head}
                </code>
                <CopyButton text={result.head} label="Copy head" />
                <span className="text-xs">
                  Keep it outside Stevedore: <code>npm run audit:verify -- --expect-head …</code> names any later
                  truncation.
                </span>
              </p>
            ) : null}
          </Alert>
        ) : (
          <Alert title={`The audit chain is broken at event #${result.firstBad?.chainSeq ?? "?"}`}>
            <p>{result.firstBad?.problem ?? "An event does not fit the chain."}</p>
            <p className="mt-1">
              {result.checked.toLocaleString()} events before it checked out. Events from this one on cannot be trusted
              as recorded.
            </p>
            {result.firstBad?.id ? (
              <Button size="sm" className="mt-2" onClick={() => onShowEvent(result.firstBad!.id!)}>
                Show event #{result.firstBad.chainSeq}
              </Button>
            ) : null}
          </Alert>
        )}
      </div>
      <Button variant="quiet" size="sm" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}
