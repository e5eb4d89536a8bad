import { describe, expect, it } from "vitest";
import { applyMessage, emptyProgress, transferFraction, type EngineMessage } from "./progress";

function run(messages: EngineMessage[]) {
  return messages.reduce(applyMessage, emptyProgress());
}

describe("transfer progress", () => {
  it("follows a pull layer by layer, as the engine reports it", () => {
    const steps: EngineMessage[] = [
      { status: "Pulling from stevedore-fixture/busybox", id: "latest" },
      { status: "Pulling fs layer", id: "aaaaaaaaaaaa", progressDetail: {} },
      { status: "Already exists", id: "bbbbbbbbbbbb", progressDetail: {} },
      { status: "Downloading", id: "aaaaaaaaaaaa", progressDetail: { current: 500, total: 1000 } },
    ];
    let progress = run(steps);
    expect(progress.status).toBe("Pulling from stevedore-fixture/busybox");
    expect(progress.layers.map((l) => [l.id, l.phase])).toEqual([
      ["aaaaaaaaaaaa", "downloading"],
      ["bbbbbbbbbbbb", "done"],
    ]);
    expect(transferFraction("pull", progress)).toBeCloseTo((0.35 + 1) / 2);
    progress = run([
      ...steps,
      { status: "Download complete", id: "aaaaaaaaaaaa", progressDetail: {} },
      { status: "Extracting", id: "aaaaaaaaaaaa", progressDetail: { current: 1000, total: 1000 } },
      { status: "Pull complete", id: "aaaaaaaaaaaa", progressDetail: {} },
      { status: "Digest: sha256:" + "c".repeat(64) },
      { status: "Status: Downloaded newer image for x:latest" },
    ]);
    expect(progress.digest).toBe("sha256:" + "c".repeat(64));
    expect(progress.status).toBe("Status: Downloaded newer image for x:latest");
    expect(transferFraction("pull", progress)).toBe(1);
  });

  it("follows a push and takes its digest from the aux message", () => {
    const progress = run([
      { status: "The push refers to repository [10.0.0.1:5000/app]" },
      { status: "Preparing", id: "aaaaaaaaaaaa", progressDetail: {} },
      { status: "Pushing", id: "aaaaaaaaaaaa", progressDetail: { current: 250, total: 1000 } },
      { status: "Mounted from team/base", id: "bbbbbbbbbbbb" },
    ]);
    expect(transferFraction("push", progress)).toBeCloseTo((0.25 + 1) / 2);
    const done = applyMessage(progress, { aux: { Tag: "v1", Digest: "sha256:" + "d".repeat(64), Size: 527 } });
    expect(done.digest).toBe("sha256:" + "d".repeat(64));
  });

  it("keeps the engine's error, which ends the transfer", () => {
    const progress = run([
      { status: "Pulling fs layer", id: "aaaaaaaaaaaa" },
      {
        errorDetail: { message: "unauthorized: authentication required" },
        error: "unauthorized: authentication required",
      },
    ]);
    expect(progress.error).toBe("unauthorized: authentication required");
    expect(transferFraction("pull", progress, true)).toBe(0);
  });
});
