// The helper programs the server runs in child processes must reach the image: the bundler
// (scripts/pack-runtime.mjs) names the same ones, and from the sources each runs under tsx.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HELPER_PROGRAMS, helperCommand, HELPER_RESULT_MARK, runNodeProgram } from "./helper-process";

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

  it("kill a child that hangs past its timeout, with an error naming it, and leave no process behind", async () => {
    const pidFile = path.join(await mkdtemp(path.join(tmpdir(), "stevedore-helper-")), "pid");
    const hang = `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.error("opening the data folder"); setInterval(() => {}, 1000);`;
    await expect(runNodeProgram("embedded-first-start", ["-e", hang], {}, 1_500)).rejects.toThrow(
      "the database helper embedded-first-start did not finish within 2 s and was killed (its last words: opening the data folder)",
    );
    const pid = Number(await readFile(pidFile, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("say a child that printed past the output limit did so, not that it timed out", async () => {
    // On either stream: a flood on its log is not taken for the helper's last words either.
    const flood = (stream: string) => `process.${stream}.write("x".repeat(5 << 20)); setInterval(() => {}, 1000);`;
    const [out, err] = await Promise.all(
      ["stdout", "stderr"].map((stream) =>
        runNodeProgram("migrate-engine-child", ["-e", flood(stream)], {}, 60_000).then(
          () => new Error("it did not fail"),
          (e: unknown) => e as Error,
        ),
      ),
    );
    expect(out?.message).toBe(
      "the database helper migrate-engine-child printed more than 4 MiB on its standard output and was stopped",
    );
    expect(err?.message).toBe(
      "the database helper migrate-engine-child printed more than 4 MiB on its standard error and was stopped",
    );
  });

  it("read only the marked result line, whatever else the child prints after it", async () => {
    const talk = `console.log("starting"); console.log(${JSON.stringify(`${HELPER_RESULT_MARK}{"applied":["a"]}`)}); console.log("{\\"not\\": \\"this\\"}"); console.log("done")`;
    await expect(runNodeProgram("migrate-engine-child", ["-e", talk], {}, 60_000)).resolves.toEqual({ applied: ["a"] });
    await expect(runNodeProgram("migrate-engine-child", ["-e", 'console.log("{}")'], {}, 60_000)).rejects.toThrow(
      "the database helper migrate-engine-child ended without printing its result",
    );
  });
});
