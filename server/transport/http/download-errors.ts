// How a file download that failed is answered and recorded: one classifier and one answer for
// every download door (a container's files, a volume's), so the same engine error gives the same
// status, message, log line and event on each. The status is the one map's
// (server/core/errors.ts); what nobody planned is a 500 whose text stays in the log and on the
// record, never in the answer.
import type { ServerResponse } from "node:http";
import type { AuditCompletion } from "../../audit/writer";
import { answerFor, kindOf } from "../../core/errors";
import { INTERNAL_MESSAGE } from "../../database/errors";
import { fail } from "../../modules/shared/http";

export interface DownloadFailure {
  /** The HTTP status to answer (when the answer has not begun). */
  status: number;
  /** What the answer says. */
  message: string;
  /** How the download ended, for its event. */
  completion: AuditCompletion;
  /** Whether the error is worth the server's log: unplanned, and not the client leaving. */
  log: boolean;
}

/** `error` ended a download; `clientLeft` says whether the client had gone first. */
export function classifyDownloadError(error: unknown, clientLeft: boolean): DownloadFailure {
  const status = answerFor(error).http;
  const text = error instanceof Error ? error.message : String(error);
  const planned = kindOf(error) !== null && status !== 500;
  const message = planned ? text : INTERNAL_MESSAGE;
  return {
    status,
    message,
    completion: {
      outcome: status === 403 ? "denied" : clientLeft ? "interrupted" : "error",
      error: planned ? text : `${text} (answered: ${INTERNAL_MESSAGE})`,
    },
    log: !planned && !clientLeft,
  };
}

/**
 * Answers a download that `error` ended (or ends an answer already begun), logs under `what`
 * what nobody planned, and says how the download ended, for its event. `clientLeft`: whether the
 * client had gone first.
 */
export function answerDownloadFailure(
  res: ServerResponse,
  error: unknown,
  clientLeft: boolean,
  what: string,
): AuditCompletion {
  const failure = classifyDownloadError(error, clientLeft);
  if (failure.log) console.error(`${what}: download failed:`, error);
  fail(res, failure.status, failure.message);
  return failure.completion;
}
