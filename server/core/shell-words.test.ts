import { describe, expect, it } from "vitest";
import { splitCommand } from "../docker/exec";
import { splitWords } from "./shell-words";

describe("the one shell-word splitter", () => {
  it("keeps a quoted argument whole: sh -c 'echo hi' is three words", () => {
    expect(splitWords("sh -c 'echo hi'")).toEqual({ words: ["sh", "-c", "echo hi"] });
    expect(splitWords(`sh -c "echo \\"hi there\\""`)).toEqual({ words: ["sh", "-c", 'echo "hi there"'] });
    expect(splitWords("  a\\ b   ''  c ")).toEqual({ words: ["a b", "", "c"] });
  });

  it("says which quote is not closed", () => {
    expect(splitWords("sh -c 'echo hi")).toEqual({ error: "A single quote is not closed." });
    expect(splitWords('echo "hi')).toEqual({ error: "A double quote is not closed." });
  });

  it("splits a console's command the same way, and refuses one it cannot split as a bad input", () => {
    expect(splitCommand("env", "sh -c 'echo hi'")).toEqual(["sh", "-c", "echo hi"]);
    expect(() => splitCommand("env", "sh -c 'echo")).toThrow(/single quote is not closed/);
    try {
      splitCommand("env", "sh -c 'echo");
    } catch (error) {
      expect((error as { errorKind?: string }).errorKind).toBe("bad-input");
    }
  });
});
