// What a page is shown of a command line and of labels: every credential masked, by its form
// (redact.ts' rules: secretlint's preset, passwords in URLs, JWTs, private keys) or by the name
// it is given (`--password=…`, `--api-token …`, `DB_PASSWORD=…` inside a `sh -c` script, a label
// `deploy.token`). One scan of the rule set covers all the texts of one object (a container's
// command and all its label values), since the scan costs far more than the text's length.
import "server-only";
import { credentialSpans, looksSecret } from "./redact";

export const MASKED = "••••••";

/** `--name=value`, `-name=value`, `NAME=value`, optionally inside quotes. */
const NAMED_VALUE = /^(["']?-{0,2}[A-Za-z_][\w.-]*=)(.*)$/s;
/** A flag alone whose name says the next word is its value: `--password`, `-api-key`. */
const BARE_FLAG = /^["']?-{1,2}([A-Za-z_][\w.-]*)["']?$/;
const WORD = /\S+/g;

type Span = readonly [number, number];

/** For each text, the spans of credentials in it, from one scan of them all. */
function spansPerText(texts: readonly string[]): Span[][] {
  const offsets: number[] = [];
  let joined = "";
  for (const text of texts) {
    offsets.push(joined.length);
    // Long values are scanned in their first 64 KiB (as looksSecretValue does): a longer
    // credential is still found by its start.
    joined += (text.length > 65_536 ? text.slice(0, 65_536) : text) + "\n";
  }
  const per: Span[][] = texts.map(() => []);
  if (joined.length <= texts.length * 8) return per; // nothing long enough to be a credential
  for (const [start, end] of credentialSpans(joined)) {
    for (let i = 0; i < texts.length; i++) {
      const from = offsets[i]!;
      const to = from + Math.min(texts[i]!.length, 65_536);
      if (start < to && end > from) per[i]!.push([Math.max(start, from) - from, Math.min(end, to) - from]);
    }
  }
  return per;
}

const overlaps = (spans: readonly Span[], start: number, end: number) => spans.some(([s, e]) => s < end && e > start);

/**
 * Masks, in the words of one command line, every word holding a credential or given as the
 * value of a secret-named flag or variable; words may themselves be scripts (`sh -c "…"`), so
 * each is read word by word. `spans` are the credentials found in each word.
 */
function maskWordsWith(words: readonly string[], spans: readonly Span[][]): string[] {
  let nextIsSecret = false;
  return words.map((word, index) => {
    const found = spans[index] ?? [];
    let changed = false;
    const masked = word.replace(WORD, (token, at: number) => {
      const secretByPlace = nextIsSecret;
      const bare = BARE_FLAG.exec(token);
      nextIsSecret = bare !== null && looksSecret(bare[1]!);
      const named = NAMED_VALUE.exec(token);
      const byForm = overlaps(found, at, at + token.length);
      if (named && named[2] && (byForm || looksSecret(named[1]!.replace(/^["']?-*|=$/g, "")))) {
        changed = true;
        return `${named[1]}${MASKED}`;
      }
      if (byForm || (secretByPlace && !token.startsWith("-"))) {
        changed = true;
        return MASKED;
      }
      return token;
    });
    return changed ? masked : word;
  });
}

/** The words of a command (Cmd, Entrypoint, Args) with every credential masked. */
export function maskCommandWords(words: readonly string[]): string[] {
  return maskWordsWith(words, spansPerText(words));
}

/** A command line as one string (what the engine's container list says), masked. */
export function maskCommandLine(command: string): string {
  return maskCommandWords([command])[0]!;
}

/** Labels with the value of each that holds a credential, or is named like one, masked. */
export function maskLabelValues(labels: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(labels);
  const spans = spansPerText(entries.map(([, value]) => value));
  return Object.fromEntries(
    entries.map(([key, value], i) => [key, value && (looksSecret(key) || spans[i]!.length) ? MASKED : value]),
  );
}

/**
 * A command line and labels together, from one scan of the rule set: what a list shows of a
 * container. Returns the same objects when nothing needed masking.
 */
export function maskCommandAndLabels(
  command: string,
  labels: Readonly<Record<string, string>>,
): { command: string; labels: Readonly<Record<string, string>> } {
  const entries = Object.entries(labels);
  const spans = spansPerText([command, ...entries.map(([, value]) => value)]);
  const [maskedCommand] = maskWordsWith([command], [spans[0]!]);
  let labelsChanged = false;
  const maskedLabels = Object.fromEntries(
    entries.map(([key, value], i) => {
      if (!(value && (looksSecret(key) || spans[i + 1]!.length))) return [key, value];
      labelsChanged = true;
      return [key, MASKED];
    }),
  );
  return { command: maskedCommand!, labels: labelsChanged ? maskedLabels : labels };
}
