// The docker command line a spec stands for: quoting, the size and duration words docker's
// flags take, and the builder every section adds its words to. Pure, shared with the browser
// (the create form shows the line as it is typed).

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Bytes as docker's size flags write them (512m, 1g, 1536k, or plain bytes). */
export function formatBytesFlag(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "g"],
    [1024 ** 2, "m"],
    [1024, "k"],
  ];
  for (const [size, unit] of units) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

export function cpusFlag(cpus: number): string {
  return String(Math.round(cpus * 1000) / 1000);
}

export function durationFlag(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * One command line being written: flags in the order sections add them, then the image and
 * its arguments, then commands that must follow (`&& docker network connect …`) and a note
 * for what has no flag.
 */
export class CliWords {
  private readonly flags: string[] = [];
  image = "";
  readonly args: string[] = [];
  readonly then: string[] = [];
  readonly notes: string[] = [];

  /** `--name value`, the value quoted when it needs it. */
  flag(name: string, value?: string): void {
    this.flags.push(name);
    if (value !== undefined) this.flags.push(shellQuote(value));
  }

  /** Words written exactly as given (already quoted). */
  words(...words: string[]): void {
    this.flags.push(...words);
  }

  line(command: readonly string[]): string {
    const words = [...command, ...this.flags];
    if (this.image) words.push(shellQuote(this.image));
    words.push(...this.args.map(shellQuote));
    let line = words.join(" ");
    for (const next of this.then) line += ` && ${next}`;
    if (this.notes.length) line += `  # ${this.notes.join("; ")}`;
    return line;
  }
}

/** 1.5 -> "1.5", 2 -> "2": CPUs given in nano-CPUs, as `docker service` flags take them. */
export function nanoCpusFlag(nanoCpus: number): string {
  return String(Number((nanoCpus / 1e9).toFixed(9)));
}

/** Nanoseconds as a Go duration the `docker service` flags take (1m30s, 500ms, 10s). */
export function goDurationFlag(nanoseconds: number): string {
  const ms = Math.round(nanoseconds / 1e6);
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}

/**
 * The words after `docker service create`, unquoted (the caller quotes them for the line it
 * writes): flags in the order sections add them, then the image and its arguments.
 */
export class ServiceWords {
  readonly flags: string[] = [];
  image = "";
  readonly args: string[] = [];

  flag(name: string, value?: string): void {
    this.flags.push(name, ...(value === undefined ? [] : [value]));
  }

  list(command: readonly string[]): string[] {
    return [...command, ...this.flags, ...(this.image ? [this.image] : []), ...this.args];
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `--<flag>-rm old --<flag>-add new` for the entries of a list that changed (docker service update). */
export function listChangeWords<T>(
  before: readonly T[],
  after: readonly T[],
  flag: string,
  word: { key: (t: T) => string; rm: (t: T) => string; add: (t: T) => string },
): string[] {
  const words: string[] = [];
  const afterKeys = new Map(after.map((t) => [word.key(t), t]));
  const beforeKeys = new Map(before.map((t) => [word.key(t), t]));
  for (const [k, t] of beforeKeys) {
    if (!afterKeys.has(k) || !same(afterKeys.get(k), t)) words.push(`--${flag}-rm`, word.rm(t));
  }
  for (const [k, t] of afterKeys) {
    if (!beforeKeys.has(k) || !same(beforeKeys.get(k), t)) words.push(`--${flag}-add`, word.add(t));
  }
  return words;
}

/** `--<flag>-rm key --<flag>-add key=value` for the entries of a map that changed. */
export function mapChangeWords(before: Record<string, string>, after: Record<string, string>, flag: string): string[] {
  const words: string[] = [];
  for (const k of Object.keys(before)) if (!(k in after)) words.push(`--${flag}-rm`, k);
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) words.push(`--${flag}-add`, `${k}=${v}`);
  return words;
}

/** Whether two parts of a spec say the same (for `docker service update`: only what changed is written). */
export const sameSpec = same;
