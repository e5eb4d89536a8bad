// YAML text -> plain values, keeping the line of every key and list item. The `yaml` package
// parses; this walk turns its document into the values Go's yaml.v3 hands the CLI's loader
// (maps, lists, strings, numbers, booleans, null), expanding anchors, aliases and `<<` merge
// keys as yaml.v3 does, and reading 0755-style octal the way Go does.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { StackFileError, type FileIssue, type SourcePosition } from "../errors";

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

/** The parsed file and where each path sits in it. */
export interface YamlSource {
  value: YamlMap;
  positions: ReadonlyMap<string, SourcePosition>;
}

/** Aliases may not expand a document past this many nodes (a "billion laughs" file). */
const MAX_EXPANDED_NODES = 200_000;
/** The largest compose file accepted, in characters. */
export const MAX_COMPOSE_FILE_CHARS = 1_000_000;

export function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** The position of `path`, or of its nearest ancestor that has one. */
export function positionOf(positions: ReadonlyMap<string, SourcePosition>, path: string): SourcePosition | undefined {
  let current = path;
  for (;;) {
    const found = positions.get(current);
    if (found) return found;
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    if (cut <= 0) return undefined;
    current = current.slice(0, cut);
  }
}

export function parseYamlSource(text: string): YamlSource {
  if (text.length > MAX_COMPOSE_FILE_CHARS) {
    throw new StackFileError([
      { path: "", message: `The compose file is larger than ${MAX_COMPOSE_FILE_CHARS} characters.` },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const at = (offset: number | undefined): SourcePosition | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new StackFileError(
      doc.errors.map((e) => ({ path: "", message: `YAML: ${e.message.split("\n")[0]}`, position: at(e.pos[0]) })),
    );
  }
  const positions = new Map<string, SourcePosition>();
  const walker = new Walker(doc, positions, at);
  const value = walker.toValue(doc.contents, "", 0);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new StackFileError([{ path: "", message: "Top-level object must be a mapping", position: at(0) }]);
  }
  return { value, positions };
}

class Walker {
  private expanded = 0;
  constructor(
    private readonly doc: Document,
    private readonly positions: Map<string, SourcePosition>,
    private readonly at: (offset: number | undefined) => SourcePosition | undefined,
  ) {}

  private fail(path: string, message: string, node: Node | null | undefined): never {
    const issue: FileIssue = { path, message };
    const position = this.at(node?.range?.[0]);
    if (position) issue.position = position;
    throw new StackFileError([issue]);
  }

  toValue(node: Node | null | undefined, path: string, depth: number): YamlValue {
    if (++this.expanded > MAX_EXPANDED_NODES || depth > 200) {
      this.fail(path, "The compose file expands to too many values (anchors and aliases).", node);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.fail(path, `YAML: unknown anchor '${node.source}'`, node);
      return this.toValue(target, path, depth + 1);
    }
    if (isScalar(node)) return scalarValue(node.value, node.type, (node as { source?: string }).source);
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const itemPath = joinPath(path, index);
        const position = this.at((item as Node | null)?.range?.[0]);
        if (position && !this.positions.has(itemPath)) this.positions.set(itemPath, position);
        return this.toValue(item as Node | null, itemPath, depth + 1);
      });
    }
    if (isMap(node)) {
      const out: YamlMap = {};
      const merged: Node[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.value === "<<" && keyNode.type === "PLAIN") {
          merged.push(pair.value as Node);
          continue;
        }
        const key = this.keyOf(keyNode, path, depth);
        const keyPath = joinPath(path, key);
        const position = this.at(keyNode?.range?.[0]);
        if (position && !this.positions.has(keyPath)) this.positions.set(keyPath, position);
        out[key] = this.toValue(pair.value as Node | null, keyPath, depth + 1);
      }
      // yaml.v3: keys written in the map win over merged ones; among merged maps the first wins.
      for (const source of merged) {
        const resolved = isAlias(source) ? (source.resolve(this.doc) as Node | undefined) : source;
        const sources = isSeq(resolved) ? resolved.items.map((i) => i as Node) : [resolved];
        for (const one of sources) {
          const value = this.toValue(one, path, depth + 1);
          if (value === null || typeof value !== "object" || Array.isArray(value)) {
            this.fail(path, "YAML: map merge requires map or sequence of maps as the value", source);
          }
          for (const [key, item] of Object.entries(value)) if (!(key in out)) out[key] = item;
        }
      }
      return out;
    }
    return this.fail(path, "YAML: unsupported node", node);
  }

  private keyOf(keyNode: Node | null, path: string, depth: number): string {
    const key = this.toValue(keyNode, path, depth + 1);
    if (key === null) return "null";
    if (typeof key === "object") this.fail(path, "YAML: a mapping key must be a plain value", keyNode);
    return String(key);
  }
}

/** A scalar as yaml.v3 reads it into `any`: 0755 is octal there, 0b101 binary. */
function scalarValue(value: unknown, type: string | undefined, source: string | undefined): YamlValue {
  if (type === "PLAIN" && source !== undefined) {
    const octal = /^([-+]?)0([0-7_]+)$/.exec(source);
    if (octal) {
      const n = parseInt(octal[2]!.replaceAll("_", ""), 8);
      return octal[1] === "-" ? -n : n;
    }
    const binary = /^([-+]?)0b([01_]+)$/.exec(source);
    if (binary) {
      const n = parseInt(binary[2]!.replaceAll("_", ""), 2);
      return binary[1] === "-" ? -n : n;
    }
  }
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return source ?? value.toISOString();
  return JSON.stringify(value) ?? "";
}
