// docker-modem formats each request's options with util.inspect even when debugging is off; the
// options carry the engine's connection pool, which once cost ~88 KB of formatting per request.
// Against a real engine, with the watcher's /events stream open in that pool, a request must
// cost a few hundred bytes of formatting at most.
import util from "node:util";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { need } from "../testing/testbed-env";
import { waitUntil } from "../testing/wait-until";
import { Fleet } from "./fleet";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const fleet = new Fleet();

afterAll(() => fleet.close());

describe("formatting per engine request", () => {
  it("stays small with the event stream open in the pool", async () => {
    fleet.add({ id: "standalone", name: "standalone", url: `unix://${socketPath}` });
    await waitUntil(() => fleet.status("standalone")?.pictureWarm === true, {
      ms: 20_000,
      everyMs: 20,
      what: "a warm picture",
    });
    expect(fleet.diagnostics("standalone")?.watcher?.state).toBe("live");

    let calls = 0;
    let bytes = 0;
    const inspect = util.inspect;
    const spy = vi.spyOn(util, "inspect").mockImplementation(((value: unknown, options?: util.InspectOptions) => {
      const text = inspect(value, options);
      calls++;
      bytes += text.length;
      return text;
    }) as typeof util.inspect);
    const requests = 20;
    try {
      for (let i = 0; i < requests; i++) {
        await fleet.call("standalone", "ping", (docker) => docker.ping());
        await fleet.call("standalone", "containers", (docker) => docker.listContainers({ all: true }));
      }
    } finally {
      spy.mockRestore();
    }
    const perRequest = bytes / (requests * 2);
    console.log(
      `util.inspect: ${calls} calls for ${requests * 2} requests, ${Math.round(perRequest)} bytes per request`,
    );
    // Before the fix: about 88,000 bytes per request here.
    expect(perRequest).toBeLessThan(2_048);
  });
});
