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

/** 1.5 -> "1.5", 2 -> "2" (CPUs as the CLI's flags take them). */
export function cpusWord(nanoCpus: number): string {
  return String(Number((nanoCpus / 1e9).toFixed(9)));
}

/** Bytes as docker's size flags write them (512m, 1g, 1536k, or plain bytes). */
export function bytesWord(bytes: number): string {
  for (const [size, unit] of [
    [1024 ** 3, "g"],
    [1024 ** 2, "m"],
    [1024, "k"],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Nanoseconds as a Go duration the CLI's flags take (1m30s, 500ms, 10s). */
export function durationWord(nanoseconds: number): string {
  const ms = Math.round(nanoseconds / 1e6);
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}
