// What the fleet's lists (and so the live picture, the changes pushed to open pages, and every
// search or filter over them) hold of a container's command and of objects' labels: credentials
// masked, for everyone (issue #11 item 9). Whoever may see them reads them in the object's
// detail. The rules cost a few hundred microseconds an object, and the same objects are trimmed
// again on every resync and event, so each answer is kept per object and reused for as long as
// what it was made from is unchanged (a container's command and labels never change in its life).
import { maskCommandAndLabels, maskLabelValues } from "../audit/mask";

type Labels = Readonly<Record<string, string>>;

interface Kept {
  command: string;
  labels: Labels;
  masked: { command: string; labels: Labels };
}

/** Objects remembered; past this, the longest-kept are forgotten (and masked again if seen). */
const KEPT_MAX = 50_000;
const kept = new Map<string, Kept>();

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function remembered(key: string, command: string, labels: Labels, mask: () => Kept["masked"]): Kept["masked"] {
  const known = kept.get(key);
  if (known && known.command === command && sameLabels(known.labels, labels)) return known.masked;
  const masked = mask();
  if (known) kept.delete(key);
  else if (kept.size >= KEPT_MAX) kept.delete(kept.keys().next().value!);
  kept.set(key, { command, labels, masked });
  return masked;
}

/** A container's command line and labels as lists show them. */
export function listedContainerFields(
  id: string,
  command: string,
  labels: Labels,
): { command: string; labels: Record<string, string> } {
  const masked = remembered(`container:${id}`, command, labels, () => maskCommandAndLabels(command, labels));
  return masked;
}

/** An image's, volume's or network's labels as lists show them. */
export function listedLabels(kind: "image" | "volume" | "network", id: string, labels: Labels): Record<string, string> {
  const masked = remembered(`${kind}:${id}`, "", labels, () => ({ command: "", labels: maskLabelValues(labels) }));
  return masked.labels;
}

/** For tests: forget every kept answer. */
export function forgetListedMasks(): void {
  kept.clear();
}
