// Pure pieces of the deploy form: the variables box as KEY=VALUE lines, the server's issues and
// warnings as editor marks, the file diff between the deployed version and the editor, and
// whether what would be sent is larger than the API takes.
import { diffLines } from "diff";
import { jsonBytes, stackRequestTooLarge, STACK_REQUEST_MAX_BYTES } from "@/server/modules/stacks/contract";
import type { EditorIssue } from "./compose-editor";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` per line; blank lines and `#` comments skipped; a bad line is reported with its number. */
export function parseVariables(text: string): { variables: Record<string, string>; problems: string[] } {
  const variables: Record<string, string> = {};
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = line.indexOf("=");
    const name = at < 0 ? line : line.slice(0, at).trim();
    if (at < 0 || !NAME.test(name)) {
      problems.push(`variables line ${i + 1}: write NAME=value (letters, digits and _ in the name)`);
      return;
    }
    variables[name] = line.slice(at + 1);
  });
  return { variables, problems };
}

interface Positioned {
  message: string;
  position?: { line: number; column: number } | undefined;
}

/** The issues and warnings that have a line, as editor marks. */
export function editorIssues(errors: readonly Positioned[], warnings: readonly Positioned[]): EditorIssue[] {
  const marks: EditorIssue[] = [];
  for (const [list, severity] of [
    [errors, "error"],
    [warnings, "warning"],
  ] as const) {
    for (const item of list) {
      if (item.position) {
        marks.push({ line: item.position.line, column: item.position.column, message: item.message, severity });
      }
    }
  }
  return marks;
}

export interface DiffLine {
  kind: "added" | "removed" | "same";
  text: string;
}

/** Line diff of the deployed file and the edited one; long unchanged runs are cut to 2 lines of context. */
export function fileDiff(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const kind: DiffLine["kind"] = part.added ? "added" : part.removed ? "removed" : "same";
    const texts = part.value.replace(/\n$/, "").split("\n");
    if (kind === "same" && texts.length > 5) {
      lines.push(...texts.slice(0, 2).map((text) => ({ kind, text })));
      lines.push({ kind, text: "…" });
      lines.push(...texts.slice(-2).map((text) => ({ kind, text })));
    } else {
      lines.push(...texts.map((text) => ({ kind, text })));
    }
  }
  return lines;
}

/** Shown values of a spec field change, short. */
export function shortValue(value: unknown): string {
  if (value === undefined) return "—";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * Why the form's call cannot be sent (the compose file, a file, or the whole body as JSON over
 * the API's limits), said before it is sent; null when it can be.
 */
export function sizeProblem(input: {
  composeFile: string;
  files?: readonly { path: string; data: string }[];
  [more: string]: unknown;
}): string | null {
  return stackRequestTooLarge(input, jsonBytes(input));
}

/** The transport's refusal of a body over the API's limit (413), in the form's words. */
export function tooLargeMessage(code: string | undefined): string | null {
  return code === "PAYLOAD_TOO_LARGE"
    ? `The compose file with its files and variables is too large to send: at most ${STACK_REQUEST_MAX_BYTES / 1024 / 1024} MiB is taken in one deploy.`
    : null;
}
