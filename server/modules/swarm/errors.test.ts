// The swarm's refusals are domain errors like every module's: each door (the tRPC builder, the
// logs download, the task console's websocket) answers them from the one map, so they agree.
import { describe, expect, it } from "vitest";
import { answerFor, DomainError } from "../../core/errors";
import {
  NoManagerError,
  NotInSwarmError,
  SwarmConflictError,
  SwarmError,
  SwarmInputError,
  SwarmNotFoundError,
  SwarmPolicyError,
  SwarmRefusedError,
  SwarmUnavailableError,
} from "./errors";

describe("swarm errors", () => {
  const cases: Array<[string, SwarmError, string, number, number]> = [
    ["not in a swarm", new NotInSwarmError("env-1"), "PRECONDITION_FAILED", 412, 1008],
    ["not found", new SwarmNotFoundError("This swarm has no service web."), "NOT_FOUND", 404, 1008],
    ["no manager answered", new NoManagerError("No manager answered."), "BAD_GATEWAY", 502, 1011],
    ["no manager in time", new NoManagerError("No manager answered.", [], true), "GATEWAY_TIMEOUT", 504, 1011],
    ["refused (the last manager)", new SwarmRefusedError("last manager"), "PRECONDITION_FAILED", 412, 1008],
    ["conflict", new SwarmConflictError("changed"), "CONFLICT", 409, 1008],
    ["bad input", new SwarmInputError("global"), "BAD_REQUEST", 400, 1008],
    ["policy", new SwarmPolicyError("refused", []), "FORBIDDEN", 403, 1008],
    ["unavailable here", new SwarmUnavailableError("not an environment"), "PRECONDITION_FAILED", 412, 1008],
  ];

  it.each(cases)("%s is a DomainError answered from the one map", (_what, error, trpc, http, ws) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(answerFor(error)).toEqual({ trpc, http, ws });
  });

  it("keeps its name, message and the swarm's own code for the per-cluster list errors", () => {
    const error = new NoManagerError("No manager of this swarm took the change.", [
      { environmentId: "e1", name: "mgr-1", problem: "timed out" },
    ]);
    expect(error.name).toBe("NoManagerError");
    expect(error.code).toBe("no-manager");
    expect(error.message).toBe("No manager of this swarm took the change. mgr-1: timed out");
    expect(new NotInSwarmError("env-9").environmentId).toBe("env-9");
  });
});
