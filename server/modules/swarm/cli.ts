// The `docker` command line each action is equivalent to, run against the environment that
// served it as a docker context of the same name (`docker context create <name> --docker
// host=<its endpoint>` makes one).
import { shellQuote } from "../../workloads/cli";

/** Quotes a word for a POSIX shell when it needs it (the one quoting the container lines use). */
export const shellWord = shellQuote;

/** `docker --context <context> <words…>`, each word quoted as needed. */
export function dockerLine(context: string, words: readonly string[]): string {
  return ["docker", "--context", shellWord(context), ...words.map(shellWord)].join(" ");
}
