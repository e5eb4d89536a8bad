// node scripts/pack-runtime.mjs <out>   (after `next build`; used by the Dockerfile)
// The production app and nothing else, in <out>: the server bundled into one file
// (server.mjs), the built pages (.next), public/, prisma/ (the migrations it applies at
// start), and of node_modules only the files that server.mjs and Next's server load.
// Which files those are is traced (@vercel/nft, as Next's own standalone output does): the
// rest of node_modules (compilers, type definitions, other databases' engines) stays out.
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { nodeFileTrace } from "@vercel/nft";
import { build } from "esbuild";

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/pack-runtime.mjs <out>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const target = path.resolve(out);
const rel = (file) => path.relative(root, file);

// 1. server.ts and the server/ modules it imports, as one ES module. Packages stay imports
// (resolved from node_modules at run time); the bundle lives beside package.json as server.ts
// does, so what it finds relative to itself is where server.ts found it. The database's helper
// programs, which the server runs in child processes (server/database/helper-process.ts: the
// same names), are bundled the same way and put beside it, where the server looks for them.
const helpers = ["embedded-first-start", "migrate-engine-child"];
const bundleDir = path.join(root, ".next", "stevedore-bundle");
await rm(bundleDir, { recursive: true, force: true });
await build({
  entryPoints: {
    server: path.join(root, "server.ts"),
    ...Object.fromEntries(helpers.map((name) => [name, path.join(root, "server", "database", `${name}.ts`)])),
  },
  outdir: bundleDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  legalComments: "none",
  logLevel: "warning",
});
const bundles = ["server", ...helpers].map((name) => path.join(bundleDir, `${name}.mjs`));

// 2. What it loads, and what Next's server and each page load (Next wrote those traces).
const { fileList, warnings } = await nodeFileTrace(bundles, { base: root, processCwd: root, mixedModules: true });
const files = new Set(fileList);
async function* nftFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "cache") yield* nftFiles(full);
    else if (entry.name.endsWith(".nft.json")) yield full;
  }
}
for await (const trace of nftFiles(path.join(root, ".next"))) {
  const { files: listed } = JSON.parse(await readFile(trace, "utf8"));
  for (const file of listed) files.add(rel(path.resolve(path.dirname(trace), file)));
}
// Read by path at run time rather than imported, so no tracer sees them: the schema engine's
// wasm, and Next's precompiled packages, which it reaches through require-hook aliases
// (webpack, @babel/runtime...) when a custom server loads its configuration.
async function* filesUnder(dir) {
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(child);
    else yield child;
  }
}
files.add("node_modules/@prisma/schema-engine-wasm/schema_engine_bg.wasm");
for await (const file of filesUnder("node_modules/next/dist/compiled")) files.add(file);

// Traced, but never loaded by a production server: source maps, Next's development runtimes,
// and the image optimiser's native library (the app serves no optimised images).
const unused = /(\.map$|\.runtime\.dev\.js$|^node_modules\/(@img|sharp)\/)/;

// 3. Copy: traced node_modules files, then the app itself.
await rm(target, { recursive: true, force: true });
await mkdir(target, { recursive: true });
let copied = 0;
for (const file of [...files].sort()) {
  if (!file.startsWith("node_modules/") || unused.test(file)) continue;
  await mkdir(path.dirname(path.join(target, file)), { recursive: true });
  await cp(path.join(root, file), path.join(target, file), { dereference: false, verbatimSymlinks: true });
  copied++;
}
for (const file of bundles) await cp(file, path.join(target, path.basename(file)));
for (const item of ["package.json", "next.config.js", "public", "prisma"]) {
  await cp(path.join(root, item), path.join(target, item), { recursive: true });
}
await cp(path.join(root, ".next"), path.join(target, ".next"), {
  recursive: true,
  filter: (src) => !/[/\\]\.next[/\\](cache|trace|trace-build|types|diagnostics|stevedore-bundle)($|[/\\])/.test(src),
});
await writeFile(path.join(target, ".next", "packed-by"), "scripts/pack-runtime.mjs\n");
// The tracer's warnings are about files it tried to read as code (licences, maps, native
// libraries) and optional dependencies that are not installed: noise here.
void warnings;
console.log(`pack-runtime: ${copied} files of node_modules and the app in ${target}`);
