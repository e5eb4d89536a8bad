// github.com/google/shlex's Split, which the CLI's loader applies to a string `command` or
// `entrypoint`: words split on blanks, "..." with backslash escapes, '...' literal, a # at the
// start of a word comments out the rest of the line.

export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  const chars = [...input];
  let i = 0;
  const isSpace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";
  while (i < chars.length) {
    const c = chars[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < chars.length && chars[i] !== "\n") i++;
      continue;
    }
    let word = "";
    for (;;) {
      if (i >= chars.length) break;
      const ch = chars[i]!;
      if (isSpace(ch)) break;
      i++;
      if (ch === "\\") {
        if (i >= chars.length) throw new Error("EOF found after escape character");
        word += chars[i++];
      } else if (ch === '"') {
        for (;;) {
          if (i >= chars.length) throw new Error("EOF found when expecting closing quote");
          const q = chars[i++]!;
          if (q === '"') break;
          if (q === "\\") {
            if (i >= chars.length) throw new Error("EOF found after escape character");
            word += chars[i++];
          } else word += q;
        }
      } else if (ch === "'") {
        for (;;) {
          if (i >= chars.length) throw new Error("EOF found when expecting closing quote");
          const q = chars[i++]!;
          if (q === "'") break;
          word += q;
        }
      } else word += ch;
    }
    words.push(word);
  }
  return words;
}
