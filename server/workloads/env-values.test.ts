// One reading of a container's Config.Env for everything that keeps its values (a recreate, a
// copy or replacement made from the form): the same names, the same values, as the form reads them.
import { describe, expect, it } from "vitest";
import { envValues } from "./container-spec";

describe("envValues", () => {
  it("reads NAME=value (values may hold '='), a bare NAME as empty, and the later entry of a name", () => {
    const values = envValues(["A=1", "URL=postgres://x?a=b", "BARE", "EMPTY=", "=orphan", "A=2"]);
    expect([...values]).toEqual([
      ["A", "2"],
      ["URL", "postgres://x?a=b"],
      ["BARE", ""],
      ["EMPTY", ""],
    ]);
    expect(envValues(null).size).toBe(0);
  });
});
