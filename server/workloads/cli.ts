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
