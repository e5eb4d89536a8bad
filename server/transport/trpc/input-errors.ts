// What an answer says of an input that failed its schema: zod's issues, bounded, and a message a
// person can read. zod's own message is a JSON dump of every issue, and an issue can name
// everything it was sent: 10,000 unknown filter keys came back as a 437 KB answer listing each
// of them (twice). Here an answer names at most a few issues and a few keys of each, however
// large the input.
import { z, ZodError } from "zod";

/** The most issues an answer describes; the rest are counted. */
export const MAX_ISSUES = 20;
/** The most unknown keys an issue names; the rest are counted. */
export const MAX_KEYS_NAMED = 5;
const MAX_MESSAGE_CHARS = 300;
const MAX_SEGMENT_CHARS = 64;

type Issue = z.core.$ZodIssue;

/** `text`, at most `most` characters (the last one an ellipsis when it was longer). */
export function clip(text: string, most: number): string {
  return text.length <= most ? text : `${text.slice(0, most - 1)}…`;
}

/** One issue made small: its path and message clipped, at most a few keys named, nothing nested. */
function boundedIssue(issue: Issue): Issue {
  const path = issue.path.map((segment) =>
    typeof segment === "string" ? clip(segment, MAX_SEGMENT_CHARS) : segment,
  ) as Issue["path"];
  if (issue.code === "unrecognized_keys") {
    const named = issue.keys.slice(0, MAX_KEYS_NAMED).map((key) => JSON.stringify(clip(key, MAX_SEGMENT_CHARS)));
    const more = issue.keys.length - named.length;
    const message = `Unrecognized ${issue.keys.length === 1 ? "key" : "keys"}: ${named.join(", ")}${
      more ? ` and ${more.toLocaleString("en")} more` : ""
    }`;
    return { ...issue, path, keys: issue.keys.slice(0, MAX_KEYS_NAMED), message };
  }
  // A union's or a record key's issue carries the issues of each branch: the message says enough.
  const { errors: _errors, issues: _issues, ...rest } = issue as Issue & { errors?: unknown; issues?: unknown };
  return { ...rest, path, message: clip(issue.message, MAX_MESSAGE_CHARS) } as Issue;
}

function where(path: Issue["path"]): string {
  if (!path.length) return "the input";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("");
}

/**
 * An input error as an answer says it: one line per issue (`first.limit: Too big: expected
 * number to be <=500`), at most MAX_ISSUES of them, and zod's field errors for forms, as bounded.
 */
export function describeInputError(error: ZodError): {
  message: string;
  zodError: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
} {
  const issues = error.issues.slice(0, MAX_ISSUES).map(boundedIssue);
  const more = error.issues.length - issues.length;
  const lines = issues.map((issue) => `${where(issue.path)}: ${issue.message}`);
  if (more) lines.push(`and ${more.toLocaleString("en")} more problems`);
  return {
    message: lines.join("; "),
    zodError: z.flattenError(new ZodError(issues) as ZodError<Record<string, unknown>>),
  };
}
