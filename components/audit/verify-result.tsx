"use client";

import type { RouterOutputs } from "../api-types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

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
            {result.checked === 0
              ? "There are no events yet."
              : `${result.checked.toLocaleString()} events checked (#${result.from} to #${result.through}); none was changed, removed or inserted.`}
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
