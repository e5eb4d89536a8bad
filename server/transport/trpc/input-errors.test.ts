import { describe, expect, it } from "vitest";
import { z } from "zod";
import { firstScreenInput } from "../../modules/containers/contract";
import { describeInputError, MAX_ISSUES } from "./input-errors";
import { hostileInputProblem, MAX_INPUT_FIELDS } from "./input-guards";

const first = z.object({ first: firstScreenInput });
const errorOf = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error!;

describe("describeInputError", () => {
  it("says each issue in words, at its path", () => {
    const { message, zodError } = describeInputError(errorOf(first, { first: { limit: 1e9 } }));
    expect(message).toBe("first.limit: Too big: expected number to be <=500");
    expect(zodError.fieldErrors).toEqual({ first: ["Too big: expected number to be <=500"] });
  });

  it("names a few of 10,000 unknown keys and counts the rest", () => {
    const filters = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, "x"]));
    const { message, zodError } = describeInputError(errorOf(first, { first: { limit: 1, filters } }));
    expect(message).toBe('first.filters: Unrecognized keys: "f0", "f1", "f2", "f3", "f4" and 9,995 more');
    expect(JSON.stringify(zodError).length).toBeLessThan(500);
  });

  it("describes at most a few of many issues, and clips long keys and messages", () => {
    const schema = z.record(z.string(), z.number());
    const input = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`${"k".repeat(10_000)}${i}`, "x"]));
    const { message, zodError } = describeInputError(errorOf(schema, input));
    expect(message.split("; ")).toHaveLength(MAX_ISSUES + 1);
    expect(message).toMatch(/; and 980 more problems$/);
    expect(message.length).toBeLessThan(MAX_ISSUES * 200);
    expect(JSON.stringify(zodError).length).toBeLessThan(MAX_ISSUES * 200);
  });
});

describe("hostileInputProblem's messages", () => {
  it("stay small however long the caller's field names are", () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_INPUT_FIELDS + 1 }, (_, i) => [`k${i}`, i]));
    const problem = hostileInputProblem({ ["x".repeat(900_000)]: { ["y".repeat(100_000)]: wide } });
    expect(problem).toMatch(/has 1,001 fields/);
    expect(problem!.length).toBeLessThan(400);
    const nul = hostileInputProblem({ ["z".repeat(500_000)]: "a\u0000b" });
    expect(nul).toMatch(/NUL/);
    expect(nul!.length).toBeLessThan(400);
  });
});
