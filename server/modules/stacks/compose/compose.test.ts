import { describe, expect, it } from "vitest";
import { StackFileError } from "../errors";
import { substitute } from "./interpolate";
import { loadCompose } from "./load";
import { shortPortToServicePorts } from "./ports";
import { shlexSplit } from "./shlex";
import { imageWithDigest, imageWithTag, parseCpus, parseGoDuration, ramInBytes } from "./go-values";

const env: Record<string, string> = { SET: "value", EMPTY: "" };
const lookup = (name: string) => env[name];

describe("interpolation as docker/cli's template package", () => {
  it.each([
    ["$SET ${SET}", "value value"],
    ["${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", "d d  d"],
    ["$$SET $${SET}", "$SET ${SET}"],
    ["${SET:?x}", "value"],
  ])("%s", (template, expected) => expect(substitute(template, lookup)).toBe(expected));

  it("refuses a missing required variable and a bare $", () => {
    expect(() => substitute("${UNSET?needed}", lookup)).toThrow("required variable UNSET is missing a value: needed");
    expect(() => substitute("${EMPTY:?needed}", lookup)).toThrow(/EMPTY/);
    expect(() => substitute("cost: $", lookup)).toThrow();
  });
});

describe("values read as Go reads them", () => {
  it("durations, sizes, cpus, images", () => {
    expect(parseGoDuration("1m30s")).toBe(90e9);
    expect(parseGoDuration("1.5h")).toBe(5400e9);
    expect(parseGoDuration("10")).toBeNull();
    expect(ramInBytes("64M")).toBe(64 * 1024 * 1024);
    expect(parseCpus("0.5")).toBe(5e8);
    expect(() => parseCpus("0.0000000001")).toThrow("value is too precise");
    expect(imageWithTag("busybox")).toBe("busybox:latest");
    expect(imageWithTag("docker.io/library/busybox")).toBe("busybox:latest");
    expect(imageWithTag("10.0.0.1:5000/a/b")).toBe("10.0.0.1:5000/a/b:latest");
    expect(imageWithDigest("a/b:1", "sha256:" + "0".repeat(64))).toBe(`a/b:1@sha256:${"0".repeat(64)}`);
  });

  it("shell words and short ports", () => {
    expect(shlexSplit(`sh -c "echo \\"hi\\"" 'a b' # comment`)).toEqual(["sh", "-c", 'echo "hi"', "a b"]);
    expect(shortPortToServicePorts("8080:80/udp", () => {})).toEqual([
      { mode: "ingress", target: 80, published: 8080, protocol: "udp" },
    ]);
  });
});

describe("loading refuses with the line", () => {
  const load = (text: string) => loadCompose({ text }).catch((e: unknown) => e as StackFileError);

  it("a key the schema does not know", async () => {
    const error = await load("services:\n  web:\n    image: x\n    bogus: 1\n");
    expect(error).toBeInstanceOf(StackFileError);
    expect((error as StackFileError).issues[0]).toMatchObject({ position: { line: 4 } });
    expect((error as StackFileError).message).toContain("Additional property bogus is not allowed");
  });

  it("a forbidden key, as the CLI words it", async () => {
    const error = (await load("services:\n  web:\n    image: x\n    extends: other\n")) as StackFileError;
    expect(error.message).toBe(
      "line 4: Compose file contains unsupported options: extends: Support for `extends` is not implemented yet.",
    );
  });

  it("a key Stevedore does not carry out", async () => {
    const error = (await load(
      "services:\n  web:\n    image: x\n    credential_spec:\n      file: a.json\n",
    )) as StackFileError;
    expect(error.issues[0]).toMatchObject({ position: { line: 4 } });
  });

  it("reads 0440 as octal and warns of ignored keys", async () => {
    const { config, warnings } = await loadCompose({
      text: "services:\n  web:\n    image: x\n    privileged: true\n    secrets:\n      - source: s\n        mode: 0440\nsecrets:\n  s:\n    external: true\n",
    });
    expect(config.services[0]!.secrets[0]!.mode).toBe(0o440);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: "Ignoring unsupported options: privileged",
        position: { line: 4, column: 5 },
      }),
    ]);
  });
});
