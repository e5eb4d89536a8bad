// The one shell-word splitter: a command line as a person types it, split as a POSIX shell
// would (quotes and backslashes; no expansion), so `sh -c 'echo hi'` is three words. Pure:
// the browser's forms, the console's command and the server's checks all split the same way.
// (Compose files have their own dialect, Go's shlex: server/modules/stacks/compose/shlex.ts.)

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansion). */
export function splitWords(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `A ${quote === "'" ? "single" : "double"} quote is not closed.` };
  if (inWord) words.push(word);
  return { words };
}
