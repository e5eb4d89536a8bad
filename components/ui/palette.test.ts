// The colour guard: components and pages name colours by their job (the tokens in
// app/globals.css, listed in components/ui/README.md), never by swatch. A raw Tailwind palette
// class (`text-slate-500`, `bg-red-50`...) or a per-element `dark:` variant brings back the
// light/dark pairs the tokens replaced; this test names each one by file and line.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const folders = ["components", "app"];

const HUES =
  "slate|gray|zinc|neutral|stone|red|orange|amber|yellow|lime|green|emerald|teal|cyan|sky|blue|indigo|violet|purple|fuchsia|pink|rose";
/** A utility on a palette swatch: `bg-sky-50`, `hover:text-red-700`, `border-l-amber-300/40`, `--color-sky-500`. */
const RAW_PALETTE = new RegExp(
  String.raw`(?<![\w-])[\w:\[\]=&-]*?[a-z]-(?:${HUES})-(?:50|[1-9]00|950)(?:\/\d+)?(?![\w-])`,
  "g",
);
/** A `dark:` variant: each token already carries its dark value. */
const DARK_VARIANT = /(?<![\w-])dark:[\w[\]/.:-]+/g;

/**
 * Lines allowed to keep a raw class, each with its reason: `file` (from the repository root),
 * `match` (text the line contains). An entry that matches nothing fails too, so the list stays short.
 */
const ALLOWED: { file: string; match: string; reason: string }[] = [];

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => file !== path.relative(root, import.meta.filename));
}

function findings(pattern: RegExp): { hits: string[]; used: Set<number> } {
  const hits: string[] = [];
  const used = new Set<number>();
  for (const file of folders.flatMap(sourceFiles).sort()) {
    readFileSync(path.join(root, file), "utf8")
      .split("\n")
      .forEach((line, index) => {
        const found = line.match(pattern);
        if (!found) return;
        const allowed = ALLOWED.findIndex((entry) => entry.file === file && line.includes(entry.match));
        if (allowed >= 0) used.add(allowed);
        else hits.push(`${file}:${index + 1}: ${found.join(" ")}`);
      });
  }
  return { hits, used };
}

describe("colours in components/ and app/", () => {
  it("the scan sees the files and would see a raw class", () => {
    expect(folders.flatMap(sourceFiles).length).toBeGreaterThan(50);
    expect('className="px-2 text-slate-500 hover:bg-red-50/60"'.match(RAW_PALETTE)).toEqual([
      "text-slate-500",
      "hover:bg-red-50/60",
    ]);
    expect("var(--color-sky-500)".match(RAW_PALETTE)).toEqual(["--color-sky-500"]);
    expect('className="text-subtle bg-danger-soft border-border-strong"'.match(RAW_PALETTE)).toBeNull();
    expect('className="dark:text-slate-400 dark:hover:bg-slate-800/40"'.match(DARK_VARIANT)).toEqual([
      "dark:text-slate-400",
      "dark:hover:bg-slate-800/40",
    ]);
  });

  it("use semantic tokens, not raw Tailwind palette classes", () => {
    const { hits } = findings(RAW_PALETTE);
    expect(
      hits,
      `Use a token from components/ui/README.md (or add one to app/globals.css):\n${hits.join("\n")}`,
    ).toEqual([]);
  });

  it("carry no per-element dark: variant", () => {
    const { hits } = findings(DARK_VARIANT);
    expect(
      hits,
      `The token carries its dark value; add one to app/globals.css if none fits:\n${hits.join("\n")}`,
    ).toEqual([]);
  });

  it("keep the allow-list to lines that still need it", () => {
    const used = new Set([...findings(RAW_PALETTE).used, ...findings(DARK_VARIANT).used]);
    const stale = ALLOWED.filter((_, index) => !used.has(index)).map((entry) => `${entry.file}: ${entry.match}`);
    expect(stale).toEqual([]);
  });
});
