// The shared condition-waiter: what counts as found, what a throwing probe means, what a timeout says.
import { describe, expect, it } from "vitest";
import { timeUntil, waitUntil } from "./wait-until";

describe("waitUntil", () => {
  it("looks again while the probe finds undefined, null or false, and returns what it finds", async () => {
    const answers: unknown[] = [undefined, null, false, 0];
    expect(await waitUntil(() => answers.shift(), { ms: 5_000, everyMs: 1 })).toBe(0);
    let n = 0;
    expect(await waitUntil(() => ++n >= 3, { ms: 5_000, everyMs: 1 })).toBe(true);
  });

  it("passes a probe's error on at once, unless told a throwing probe has not found it yet", async () => {
    const boom = () => Promise.reject(new Error("boom"));
    await expect(waitUntil(boom, { ms: 5_000 })).rejects.toThrow("boom");
    let n = 0;
    const flaky = () => (++n < 3 ? Promise.reject(new Error("not yet")) : Promise.resolve("there"));
    expect(await waitUntil(flaky, { ms: 5_000, everyMs: 1, retryErrors: true })).toBe("there");
  });

  it("gives up after the deadline, naming what it waited for and the probe's last error", async () => {
    await expect(
      waitUntil(() => Promise.reject(new Error("engine gone")), {
        ms: 20,
        everyMs: 5,
        what: "a leader",
        retryErrors: true,
      }),
    ).rejects.toThrow("timed out after 20 ms waiting for a leader: engine gone");
    await expect(waitUntil(() => undefined, 20)).rejects.toThrow("timed out after 20 ms waiting");
  });

  it("timeUntil resolves with how long the wait took", async () => {
    const at = Date.now() + 30;
    const took = await timeUntil(() => Date.now() >= at, { ms: 5_000, everyMs: 1 });
    expect(took).toBeGreaterThanOrEqual(25);
  });
});
