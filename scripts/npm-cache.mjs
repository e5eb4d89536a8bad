// node scripts/npm-cache.mjs <dir>
// An npm cache holding what `npm ci` needs for package-lock.json and nothing else, taken from
// this machine's npm cache: with it in a Docker build context (.npm-cache/), `npm ci
// --offline` inside `docker build` needs no network. Packages the machine's cache lacks are
// fetched into it first with `npm cache add` (the registry is asked only for those).
//
// npm's cache (cacache) is content-addressed: an index bucket per request URL
// (index-v5/<sha256 of the key>) whose entries name their content by integrity
// (content-v2/<algorithm>/<hex digest>). Copying the buckets of the packuments and tarballs the
// lock names, and the contents those buckets point at, gives a complete, smaller cache.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const target = process.argv[2];
if (!target) {
  console.error("usage: node scripts/npm-cache.mjs <dir>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const npm = (...args) => execFileSync("npm", args, { cwd: root, encoding: "utf8" }).trim();
const registry = npm("config", "get", "registry").replace(/\/?$/, "/");
const source = path.join(npm("config", "get", "cache"), "_cacache");
const dest = path.join(path.resolve(target), "_cacache");

const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));

/** Whether npm would install this optional, platform-specific package on this machine (and so in the image). */
function fitsThisPlatform(entry) {
  const fits = (list, value) =>
    !list ||
    (list.some((v) => v === value) && !list.includes(`!${value}`)) ||
    (list.every((v) => v.startsWith("!")) && !list.includes(`!${value}`));
  const libc = process.report?.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch) && fits(entry.libc, libc);
}

const packages = new Map(); // "name@version" -> { name, version, needed }
for (const [where, entry] of Object.entries(lock.packages ?? {})) {
  if (!where || entry.link || !entry.version || entry.resolved?.startsWith("file:")) continue;
  const name = entry.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
  packages.set(`${name}@${entry.version}`, {
    name,
    version: entry.version,
    needed: !entry.optional || fitsThisPlatform(entry),
  });
}

const packumentUrl = (name) => `${registry}${name.replace("/", "%2f")}`;
const tarballUrl = (name, version) => `${registry}${name}/-/${name.split("/").pop()}-${version}.tgz`;
const keyOf = (url) => `make-fetch-happen:request-cache:${url}`;
const bucketOf = (cache, key) => {
  const hash = createHash("sha256").update(key).digest("hex");
  return path.join(cache, "index-v5", hash.slice(0, 2), hash.slice(2, 4), hash.slice(4));
};
const contentOf = (cache, integrity) => {
  const [algorithm, digest] = integrity.split("-", 2);
  const hex = Buffer.from(digest, "base64").toString("hex");
  return path.join(cache, "content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
};

function present(key) {
  return existsSync(bucketOf(source, key));
}

// Fetch what the machine's cache lacks (a fresh machine's `npm install` skipped nothing, so
// this is usually empty).
const missing = [...packages.values()].filter(
  (p) => p.needed && !(present(keyOf(tarballUrl(p.name, p.version))) && present(keyOf(packumentUrl(p.name)))),
);
if (missing.length) {
  console.log(`npm-cache: fetching ${missing.length} package(s) missing from ${source}`);
  execFileSync("npm", ["cache", "add", ...missing.map((p) => `${p.name}@${p.version}`)], {
    cwd: root,
    stdio: "inherit",
  });
}

// What npm asks the registry for when installing (pacote's "corgi" document). npm's cache
// answers a request only from an entry stored for the same Accept header, and a packument
// fetched by `npm install <new package>` or `npm cache add` is stored for the full document.
const CORGI = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
const bucketLine = (entry) => {
  const json = JSON.stringify(entry);
  return `${createHash("sha1").update(json).digest("hex")}\t${json}`;
};

let buckets = 0;
let contents = 0;
function copyEntry(key, { packument = false } = {}) {
  const from = bucketOf(source, key);
  if (!existsSync(from)) return false;
  const to = bucketOf(dest, key);
  mkdirSync(path.dirname(to), { recursive: true });
  let text = readFileSync(from, "utf8");
  const entries = text
    .split("\n")
    .map((line) => line.slice(line.indexOf("\t") + 1))
    .filter((json) => json.startsWith("{"))
    .map((json) => JSON.parse(json));
  const stored = entries.filter((entry) => entry.integrity);
  if (packument && stored.length && !stored.some((entry) => entry.metadata?.reqHeaders?.accept === CORGI)) {
    // The full document is a superset of the corgi one: offer it for that request too.
    const newest = stored[stored.length - 1];
    text += `\n${bucketLine({ ...newest, metadata: { ...newest.metadata, reqHeaders: { ...newest.metadata?.reqHeaders, accept: CORGI } } })}`;
  }
  writeFileSync(to, text);
  buckets++;
  for (const { integrity } of entries) {
    if (!integrity) continue;
    for (const one of integrity.split(/\s+/)) {
      const file = contentOf(source, one);
      const copy = contentOf(dest, one);
      if (!existsSync(file) || existsSync(copy)) continue;
      mkdirSync(path.dirname(copy), { recursive: true });
      // Contents never change once written (their name is their digest): a hard link will do.
      try {
        linkSync(file, copy);
      } catch {
        copyFileSync(file, copy);
      }
      contents++;
    }
  }
  return true;
}

const absent = [];
const names = new Set();
for (const p of packages.values()) {
  if (!p.needed) continue;
  if (!copyEntry(keyOf(tarballUrl(p.name, p.version)))) absent.push(`${p.name}@${p.version}`);
  if (!names.has(p.name)) {
    names.add(p.name);
    copyEntry(keyOf(packumentUrl(p.name)), { packument: true });
  }
}
if (absent.length) {
  console.error(`npm-cache: still missing after npm cache add: ${absent.join(", ")}`);
  process.exit(1);
}
console.log(`npm-cache: ${dest}: ${buckets} index entries, ${contents} contents, for ${names.size} packages`);
