// The access rules' refusals, as typed domain errors: they know no transport. The tRPC
// builders map `code` to the API's codes (server/trpc/init.ts).

export type AccessRuleCode = "forbidden" | "conflict" | "not-found" | "bad-request" | "too-many-requests";

export class AccessRuleError extends Error {
  constructor(
    readonly code: AccessRuleCode,
    message: string,
  ) {
    super(message);
    this.name = "AccessRuleError";
  }
}
