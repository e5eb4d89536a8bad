import { describe, expect, it } from "vitest";
import { formatReference, isReference, parseReference, registryHostOf, sameRegistryHost } from "./reference";

describe("image references", () => {
  it.each([
    ["busybox", { path: "busybox" }],
    ["busybox:1.36", { path: "busybox", tag: "1.36" }],
    ["library/busybox:latest", { path: "library/busybox", tag: "latest" }],
    [
      "10.201.5.1:5000/stevedore-fixture/busybox:latest",
      { domain: "10.201.5.1:5000", path: "stevedore-fixture/busybox", tag: "latest" },
    ],
    ["localhost/app", { domain: "localhost", path: "app" }],
    [
      "ghcr.io/org/app@sha256:" + "a".repeat(64),
      { domain: "ghcr.io", path: "org/app", digest: "sha256:" + "a".repeat(64) },
    ],
    ["registry:5000/app:v1", { domain: "registry:5000", path: "app", tag: "v1" }],
  ])("reads %s", (text, parsed) => {
    expect(parseReference(text)).toEqual(parsed);
    expect(formatReference(parseReference(text))).toBe(text);
  });

  it.each([
    "",
    "UPPER/case",
    "app:",
    "app:-bad",
    "a b",
    "app/../etc",
    "app?x=1",
    "app#frag",
    "ap%70",
    "app@sha256:xyz",
    "/app",
    "app//x",
  ])("refuses %j", (text) => {
    expect(isReference(text)).toBe(false);
  });

  it("knows the registry of a reference, Docker Hub's aliases alike", () => {
    expect(registryHostOf(parseReference("busybox"))).toBe("docker.io");
    expect(registryHostOf(parseReference("10.0.0.1:5000/x"))).toBe("10.0.0.1:5000");
    expect(sameRegistryHost("index.docker.io", "docker.io")).toBe(true);
    expect(sameRegistryHost("a.example:5000", "a.example")).toBe(false);
  });
});
