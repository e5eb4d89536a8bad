// "key=value" lines as people type them (driver options, labels), to a map; pure for tests.

/** One entry per non-empty line; a line without "=" is a key with an empty value. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq < 0) out[line] = "";
    else out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
