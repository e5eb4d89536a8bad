// The helper programs the server runs in child processes must reach the image: the bundler
// (scripts/pack-runtime.mjs) names the same ones, and from the sources each runs under tsx.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HELPER_PROGRAMS, helperCommand } from "./helper-process";

const root = path.resolve(import.meta.dirname, "../..");

describe("the database's helper programs", () => {
  it("are the ones scripts/pack-runtime.mjs bundles beside server.mjs", async () => {
    const script = await readFile(path.join(root, "scripts/pack-runtime.mjs"), "utf8");
    const listed = /const helpers = (\[[^\]]*\]);/.exec(script)?.[1];
    expect(listed, "pack-runtime.mjs lists its helpers in `const helpers = [...]`").toBeTruthy();
    expect(JSON.parse(listed!)).toEqual([...HELPER_PROGRAMS]);
  });

  it("run from the sources under tsx", () => {
    for (const program of HELPER_PROGRAMS) {
      const command = helperCommand(program);
      expect(command.at(-1)).toBe(path.join(root, "server/database", `${program}.ts`));
      expect(command[0]).toBe("--import");
    }
  });
});
