import { describe, expect, it } from "vitest";
import { editorIssues, fileDiff, parseVariables } from "./stack-form-model";

describe("the deploy form's pure parts", () => {
  it("reads NAME=value lines, skipping blanks and comments, and names a bad line", () => {
    expect(parseVariables("TAG=1.2\n\n# note\nURL=http://x/?a=b\n")).toEqual({
      variables: { TAG: "1.2", URL: "http://x/?a=b" },
      problems: [],
    });
    expect(parseVariables("OK=1\nnot a pair\n9X=2").problems).toEqual([
      "variables line 2: write NAME=value (letters, digits and _ in the name)",
      "variables line 3: write NAME=value (letters, digits and _ in the name)",
    ]);
  });

  it("marks only what has a line: errors, then warnings", () => {
    expect(
      editorIssues(
        [{ message: "bad", position: { line: 3, column: 5 } }, { message: "no line" }],
        [{ message: "ignored key", position: { line: 7, column: 1 } }],
      ),
    ).toEqual([
      { line: 3, column: 5, message: "bad", severity: "error" },
      { line: 7, column: 1, message: "ignored key", severity: "warning" },
    ]);
  });

  it("diffs the file by lines, cutting long unchanged runs", () => {
    const before = ["a", "b", "c", "d", "e", "f", "replicas: 1"].join("\n");
    const after = ["a", "b", "c", "d", "e", "f", "replicas: 2"].join("\n");
    expect(fileDiff(before, after)).toEqual([
      { kind: "same", text: "a" },
      { kind: "same", text: "b" },
      { kind: "same", text: "…" },
      { kind: "same", text: "e" },
      { kind: "same", text: "f" },
      { kind: "removed", text: "replicas: 1" },
      { kind: "added", text: "replicas: 2" },
    ]);
  });
});
