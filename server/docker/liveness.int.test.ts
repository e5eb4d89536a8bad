// A frozen engine (dockerd under SIGSTOP: its sockets still accept, nothing answers) is noticed
// within 5 s by the liveness check alone, with nobody calling it, and its picture is not
// served as current meanwhile: lists say how fresh each environment's data is, and once it is
// known down they give its error, not its stale containers.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import { waitUntil } from "../testing/wait-until";
import { Fleet } from "./fleet";
import type { EnvironmentDescriptor } from "./types";

const testbed = inject("testbed");
const standalone: EnvironmentDescriptor = {
  id: "standalone",
  name: "standalone",
  url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
};

let fleet: Fleet;

beforeAll(async () => {
  // The status poll (every 15 s) would notice only much later: the liveness check must.
  fleet = new Fleet({ pollIntervalMs: 60_000 });
  fleet.add(standalone);
  await waitUntil(() => fleet.picture.isWarm("standalone"), { ms: 30_000, everyMs: 20, what: "a warm picture" });
}, 60_000);

afterAll(() => {
  fleet?.close();
});

describe("a frozen engine", () => {
  it("is marked down within 5 s without any call, and lists say how fresh each environment is", async () => {
    const warm = await fleet.listContainers(["standalone"]);
    expect(warm.sources).toMatchObject([{ environmentId: "standalone", source: "picture" }]);
    expect(Date.now() - warm.sources[0]!.asOf).toBeLessThan(5_000);
    expect(fleet.status("standalone")?.heardAt).toBeGreaterThan(0);

    const dockerd = Number(readFileSync(path.join(need(testbed, "TESTBED_DIR"), "standalone", "dockerd.pid"), "utf8"));
    process.kill(dockerd, "SIGSTOP");
    const frozenAt = Date.now();
    try {
      // Until it is noticed, the picture's age shows: never newer than the freeze.
      const during = await fleet.listContainers(["standalone"]);
      for (const source of during.sources) expect(source.asOf).toBeLessThanOrEqual(frozenAt + 50);

      await waitUntil(() => fleet.status("standalone")?.state === "down", {
        ms: 5_000,
        everyMs: 20,
        what: "the frozen engine reported down",
      });
      expect(fleet.status("standalone")).toMatchObject({
        state: "down",
        pictureWarm: false,
        lastError: { code: "unreachable", cause: "timeout" },
      });
      // Known down: its stale containers are not served as if current.
      const after = await fleet.listContainers(["standalone"]);
      expect(after.items).toEqual([]);
      expect(after.errors).toMatchObject([{ environmentId: "standalone", code: "unreachable" }]);
    } finally {
      process.kill(dockerd, "SIGCONT");
    }
    await waitUntil(() => fleet.status("standalone")?.state === "up", {
      ms: 70_000,
      everyMs: 20,
      what: "standalone up after SIGCONT",
    });
    await waitUntil(() => fleet.picture.isWarm("standalone"), {
      ms: 30_000,
      everyMs: 20,
      what: "the picture warm again",
    });
  }, 120_000);

  it("an idle, healthy engine stays up (its quiet is not taken for a freeze)", async () => {
    const since = fleet.status("standalone")!.since;
    const heard = fleet.status("standalone")!.heardAt!;
    // Several liveness periods with no events and no calls.
    await waitUntil(() => (fleet.status("standalone")?.heardAt ?? 0) > heard + 4_000, {
      ms: 15_000,
      everyMs: 20,
      what: "pings answered",
    });
    expect(fleet.status("standalone")).toMatchObject({ state: "up", since });
  }, 30_000);
});
