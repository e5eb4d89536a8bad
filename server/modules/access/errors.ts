// The access rules' refusals, as typed domain errors: they know no transport. Their kind
// picks the answer from the one map (server/core/errors.ts).
import { DomainError, type ErrorKind } from "../../core/errors";

export type AccessRuleCode = "forbidden" | "conflict" | "not-found" | "bad-request" | "too-many-requests";

const kinds: Record<AccessRuleCode, ErrorKind> = {
  forbidden: "forbidden",
  conflict: "conflict",
  "not-found": "not-found",
  "bad-request": "bad-input",
  "too-many-requests": "too-many-requests",
};

export class AccessRuleError extends DomainError {
  readonly errorKind: ErrorKind;
  constructor(
    readonly code: AccessRuleCode,
    message: string,
  ) {
    super(message);
    this.name = "AccessRuleError";
    this.errorKind = kinds[code];
  }
}
