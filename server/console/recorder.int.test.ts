// The recorder against a real database: many sessions' chunks share one write per tick, the
// file reads back as asciicast v2 in order, and a write that fails reaches the session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHarness, type Harness } from "../testing/harness";
import { loadRecording, RecordingStore, SessionRecorder } from "./recorder";

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const options = { width: 80, height: 24, command: "sh", title: "t", recordInput: true };

describe("SessionRecorder", () => {
  it("writes every open session's chunks together, and each recording reads back in order", async () => {
    const store = new RecordingStore(h.prisma, 60_000); // flushed by hand below
    const failures: unknown[] = [];
    const recorders = Array.from(
      { length: 30 },
      (_, i) => new SessionRecorder(store, `event-${Date.now()}-${i}`, options, (e) => failures.push(e)),
    );
    for (const r of recorders) await r.start();
    for (let round = 0; round < 3; round++) {
      recorders.forEach((r, i) => {
        r.output(Buffer.from(`round ${round} of ${i}\r\n`));
        r.input(Buffer.from("x"));
      });
      await store.flush();
    }
    // A character split across chunks stays whole.
    const euro = Buffer.from("€");
    recorders[0]!.output(euro.subarray(0, 1));
    recorders[0]!.output(euro.subarray(1));
    recorders[0]!.resize(100, 30);
    for (const r of recorders) await r.finish();
    expect(failures).toEqual([]);

    for (const [i, r] of recorders.entries()) {
      const cast = await loadRecording(h.prisma, r.eventId);
      const [header, ...lines] = cast!.trim().split("\n");
      expect(JSON.parse(header!)).toMatchObject({ version: 2, width: 80, height: 24 });
      const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
      expect(events.filter((e) => e[1] === "o").map((e) => e[2])).toEqual(
        [0, 1, 2].map((round) => `round ${round} of ${i}\r\n`).concat(i === 0 ? ["€"] : []),
      );
      expect(events.filter((e) => e[1] === "i")).toHaveLength(3);
      const times = events.map((e) => e[0]);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    const last = (await loadRecording(h.prisma, recorders[0]!.eventId))!.trim().split("\n").at(-1)!;
    expect(JSON.parse(last)).toEqual([expect.any(Number), "r", "100x30"]);
  });

  it("tells the session when its chunks cannot be written (strict mode)", async () => {
    const store = new RecordingStore(h.prisma, 60_000);
    const failures: unknown[] = [];
    const eventId = `event-fail-${Date.now()}`;
    const recorder = new SessionRecorder(store, eventId, options, (e) => failures.push(e));
    await recorder.start();
    // A row that is already there: the batch insert fails as a full disk or a lost database would.
    await h.prisma.consoleRecordingChunk.create({ data: { eventId, seq: 1, data: "taken" } });
    recorder.output(Buffer.from("lost"));
    await store.flush();
    expect(failures).toHaveLength(1);
  });
});
