import { describe, expect, it } from "vitest";
import { CastError, countUntil, formatClock, framesBetween, parseCast, ReplayClock, screenAt } from "./replay";

const header = JSON.stringify({ version: 2, width: 80, height: 24, title: "t", command: "sh" });
const cast = (...events: [number, string, string][]) =>
  [header, ...events.map((e) => JSON.stringify(e))].join("\n") + "\n";

describe("parseCast", () => {
  it("reads the header and events, and caps idle gaps at the limit", () => {
    const parsed = parseCast(cast([0.5, "o", "a"], [1.0, "o", "b"], [31.0, "o", "c"], [31.25, "i", "x"]), 2);
    expect(parsed).toMatchObject({ width: 80, height: 24, command: "sh", hasInput: true });
    // 0.5, +0.5, +30 capped to 2, +0.25
    expect(parsed.events.map((e) => e.t)).toEqual([0.5, 1, 3, 3.25]);
    expect(parsed.duration).toBe(3.25);
  });

  it("keeps short gaps as they are, and an empty session has no duration", () => {
    expect(parseCast(cast([0.1, "o", "a"], [1.9, "o", "b"])).events.map((e) => e.t)).toEqual([0.1, 1.9]);
    const empty = parseCast(header);
    expect(empty.events).toEqual([]);
    expect(empty.duration).toBe(0);
    expect(empty.hasInput).toBe(false);
  });

  it("names what is wrong with a bad file", () => {
    expect(() => parseCast("")).toThrow(CastError);
    expect(() => parseCast('{"version":1,"width":80,"height":24}')).toThrow(/version 2/);
    expect(() => parseCast(`${header}\nnot json`)).toThrow(/Line 2/);
    expect(() => parseCast(`${header}\n["x","o","a"]`)).toThrow(/Line 2 .* not an event/);
    expect(() => parseCast('{"version":2}')).toThrow(/terminal size/);
  });
});

describe("seeking", () => {
  const c = parseCast(cast([1, "o", "one "], [2, "o", "two "], [2, "i", "ls\r"], [3, "r", "100x30"], [4, "o", "four"]));

  it("counts the events up to a time", () => {
    expect(countUntil(c.events, 0)).toBe(0);
    expect(countUntil(c.events, 1)).toBe(1);
    expect(countUntil(c.events, 2.5)).toBe(3);
    expect(countUntil(c.events, 99)).toBe(5);
  });

  it("gives all output up to t in one string, with the size and keystrokes then", () => {
    expect(screenAt(c, 0.5)).toEqual({ size: { cols: 80, rows: 24 }, output: "", input: "" });
    expect(screenAt(c, 2)).toEqual({ size: { cols: 80, rows: 24 }, output: "one two ", input: "ls\r" });
    expect(screenAt(c, 4)).toEqual({ size: { cols: 100, rows: 30 }, output: "one two four", input: "ls\r" });
  });

  it("splits frames at a resize so output stays in order with it", () => {
    expect(framesBetween(c.events, 1, 5)).toEqual([
      { output: "two ", size: null, input: "ls\r" },
      { output: "", size: { cols: 100, rows: 30 }, input: "" },
      { output: "four", size: null, input: "" },
    ]);
  });
});

describe("ReplayClock", () => {
  it("plays at the chosen speed, pauses, and stops at the end", () => {
    const clock = new ReplayClock(10);
    expect(clock.position(0)).toBe(0);
    clock.play(1000);
    expect(clock.position(2000)).toBe(1);
    clock.setSpeed(4, 2000);
    expect(clock.position(2500)).toBe(3); // 1 + 0.5 s × 4
    clock.pause(2500);
    expect(clock.position(9000)).toBe(3);
    clock.setSpeed(8, 9000);
    clock.play(9000);
    expect(clock.position(9500)).toBe(7);
    expect(clock.position(20_000)).toBe(10);
    expect(clock.finished(20_000)).toBe(true);
    clock.stopAtEnd();
    expect(clock.playing).toBe(false);
    // Play after the end starts again from the beginning.
    clock.play(30_000);
    expect(clock.position(30_000)).toBe(0);
  });

  it("seeks while playing and while paused, within the recording", () => {
    const clock = new ReplayClock(10);
    clock.seek(5, 0);
    expect(clock.position(100)).toBe(5);
    clock.play(100);
    clock.seek(2, 600);
    expect(clock.position(1600)).toBe(3);
    clock.seek(-4, 1600);
    expect(clock.position(1600)).toBe(0);
    clock.seek(99, 1600);
    expect(clock.position(1600)).toBe(10);
  });
});

it("formats elapsed and total time", () => {
  expect(formatClock(0)).toBe("0:00");
  expect(formatClock(65.9)).toBe("1:05");
  expect(formatClock(3725)).toBe("1:02:05");
});
