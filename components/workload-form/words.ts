// Command lines as a person types them, and back. The splitter is the one every door uses
// (server/core/shell-words.ts): the form, the console's command, the CLI lines.
import { shellQuote } from "@/server/workloads/cli";
import { splitWords } from "@/server/core/shell-words";

export { splitWords };

export const joinWords = (words: readonly string[]) => words.map(shellQuote).join(" ");

/** "a, b c" -> ["a", "b", "c"] */
export const listOf = (text: string, separator = /[\s,]+/) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
