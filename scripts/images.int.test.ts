// scripts/images load from two clean checkouts (its files at new paths, with new times) gives
// the same base images: the second imports nothing. The deploy tests each take a clean
// checkout; when the second re-imported the base, its new id made that test rebuild the
// Stevedore image the first had built (minutes of CI) instead of reusing it.
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { docker, dockerEnv, type Engine } from "../server/testing/stack";
import { need } from "../server/testing/testbed-env";

const run = promisify(execFile);
const testbed = inject("testbed");
const engine: Engine = { host: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` };
const copies: string[] = [];

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** scripts/images and its files, as a fresh checkout has them. */
async function freshCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "stevedore-images-copy-"));
  copies.push(dir);
  await cp(path.resolve(import.meta.dirname, "images"), path.join(dir, "scripts/images"));
  await cp(path.resolve(import.meta.dirname, "images.d"), path.join(dir, "scripts/images.d"), { recursive: true });
  return path.join(dir, "scripts/images");
}

async function load(script: string) {
  const { stdout, stderr } = await run("bash", [script, "load", "-H", engine.host], {
    env: dockerEnv(),
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  const images: Record<string, string> = {};
  for (const [, name, image] of stdout.matchAll(/^(\w+_IMAGE)=(\S+)$/gm)) images[name!] = image!;
  const ids = await Promise.all(
    Object.values(images).map((image) => docker(engine, ["image", "inspect", "-f", "{{.Id}}", image])),
  );
  return { output: `${stdout}${stderr}`, images, ids };
}

describe("scripts/images load", () => {
  it("gives the same base images from another checkout, importing nothing again", async () => {
    const first = await load(await freshCopy());
    expect(Object.keys(first.images).sort()).toEqual(["HAPROXY_IMAGE", "NODE_IMAGE", "POSTGRES_IMAGE"]);
    const second = await load(await freshCopy());
    expect(second.images).toEqual(first.images);
    expect(second.ids).toEqual(first.ids);
    expect(second.output).not.toMatch(/importing|making the/);
  }, 900_000);
});
