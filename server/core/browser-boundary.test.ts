// What the browser's code can reach of the server. From every client module ("use client" in
// app/ and components/), follow the imports that carry code (not `import type`) through the
// repository: nothing reached may be marked server-only, nor load what only a server can run
// (the database client, dockerode, tRPC's server, Node's built-ins). Next's bundler refuses
// to build a browser chunk with a server-only module in it; this names the import chain
// before a build, and also catches server code that forgot the mark. The production build
// itself is checked over its chunks by e2e/server-only.spec.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SERVER_ONLY_RUNTIME = [
  /^@prisma\//,
  /generated\/prisma\/(client|internal)/,
  /^dockerode$/,
  /^docker-modem$/,
  /^ssh2$/,
  /^@trpc\/server(\/.*)?$/,
  /^node:/,
  /^server-only$/,
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

/** The specifiers a module loads at run time: type-only imports and re-exports left out. */
export function runtimeImports(text: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+([^;]*?)\s*from\s*["']([^"']+)["']/g;
  for (const m of text.matchAll(statement)) {
    const clause = m[2]!.trim();
    if (/^type\b/.test(clause)) continue;
    // `import { type A, type B }`: nothing at run time.
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    if (braces && braces[1]!.split(",").every((part) => !part.trim() || /^type\b/.test(part.trim()))) continue;
    found.push(m[3]!);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  return found;
}

function resolveLocal(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const ext of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) {
    const candidate = base + ext;
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

describe("the browser's reach into the server", () => {
  it("no client module reaches a server-only module or a server runtime", () => {
    const clients = [...sourceFiles(path.join(ROOT, "app")), ...sourceFiles(path.join(ROOT, "components"))].filter(
      (file) => /^\s*["']use client["']/.test(readFileSync(file, "utf8")),
    );
    expect(clients.length).toBeGreaterThan(10);

    const problems: string[] = [];
    const via = new Map<string, string | null>(clients.map((c) => [c, null]));
    const queue = [...clients];
    const chain = (file: string) => {
      const steps: string[] = [];
      for (let at: string | null | undefined = file; at; at = via.get(at)) steps.unshift(path.relative(ROOT, at));
      return steps.join(" -> ");
    };
    while (queue.length) {
      const file = queue.shift()!;
      const text = readFileSync(file, "utf8");
      for (const spec of runtimeImports(text)) {
        if (SERVER_ONLY_RUNTIME.some((re) => re.test(spec))) {
          problems.push(`${chain(file)} loads ${spec}`);
          continue;
        }
        const target = resolveLocal(file, spec);
        if (!target || via.has(target)) continue;
        via.set(target, file);
        queue.push(target);
      }
    }
    expect(problems).toEqual([]);
  });

  it("reads imports as the bundler does: type-only ones carry no code", () => {
    expect(
      runtimeImports(
        [
          'import type { A } from "dockerode";',
          'import { type B, type C } from "@trpc/server";',
          'import { z } from "zod";',
          'import "server-only";',
          'export { x } from "./x";',
          'export type { Y } from "./y";',
        ].join("\n"),
      ),
    ).toEqual(["zod", "./x", "server-only"]);
  });
});
