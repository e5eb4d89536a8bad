import { describe, expect, it } from "vitest";
import { editorIssues, fileDiff, parseVariables, sizeProblem, tooLargeMessage } from "./stack-form-model";

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

  // Review finding: a file over the API's 1 MiB was refused by the transport (413) instead of
  // the form saying so; the form now says it before sending anything.
  it("says, before sending, when the compose file, a file or the whole call is over the API's limits", () => {
    const base = { environmentId: "e", name: "shop", environment: {}, prune: false };
    expect(sizeProblem({ ...base, composeFile: "services: {}\n", files: [] })).toBeNull();
    expect(sizeProblem({ ...base, composeFile: "x".repeat(600 * 1024), files: [] })).toBe(
      "The compose file is 600 KiB; the limit is 512 KiB.",
    );
    expect(
      sizeProblem({
        ...base,
        composeFile: "services: {}\n",
        files: [{ path: "big.conf", data: "y".repeat(513 * 1024) }],
      }),
    ).toBe("big.conf is 513 KiB; the limit for a file is 512 KiB.");
    // each part within its limit, the whole over 1 MiB as it goes on the wire
    const whole = sizeProblem({
      ...base,
      composeFile: "a".repeat(400 * 1024),
      files: [
        { path: "one.conf", data: "b".repeat(400 * 1024) },
        { path: "two.conf", data: "c".repeat(400 * 1024) },
      ],
    });
    expect(whole).toMatch(
      /^The compose file with its files and variables comes to 1,201 KiB to send; at most 1,024 KiB/,
    );
    // JSON escapes count: 300 K quotes are 600 KiB on the wire
    expect(
      sizeProblem({
        ...base,
        composeFile: '"'.repeat(300 * 1024),
        files: [{ path: "q", data: '"'.repeat(300 * 1024) }],
      }),
    ).toMatch(/comes to 1,201 KiB/);
    expect(tooLargeMessage("PAYLOAD_TOO_LARGE")).toMatch(/too large to send: at most 1 MiB/);
    expect(tooLargeMessage("BAD_REQUEST")).toBeNull();
  });
});
