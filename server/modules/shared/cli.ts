// The `docker` command line that does what an action did, for people to read and copy. It
// names things as people know them (image tags, container, volume and network names, never
// bare ids when there is a name) and says which environment: `--context <environment>`, a
// Docker context named like the environment. Pure: the pages build the same lines as you type.

/** One shell word: left bare when it is safe, else single-quoted. */
export function shellWord(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** `docker --context <environment> <words...>`, each word quoted as a shell needs it. */
export function dockerLine(
  environmentName: string | null | undefined,
  words: readonly (string | false | null | undefined)[],
): string {
  const kept = words.filter((w): w is string => typeof w === "string");
  const context = environmentName ? ["--context", environmentName] : [];
  return ["docker", ...context, ...kept].map((w, i) => (i === 0 ? w : shellWord(w))).join(" ");
}

/** `--flag value` pairs for each entry of a map (`--label a=b --label c=d`). */
export function repeated(flag: string, entries: Record<string, string> | undefined): string[] {
  return Object.entries(entries ?? {}).flatMap(([key, value]) => [flag, `${key}=${value}`]);
}
