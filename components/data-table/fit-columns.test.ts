import { describe, expect, it } from "vitest";
import { columnsToDrop, COMPACT_BELOW_PX } from "./fit-columns";

const columns = [
  { id: "select", width: 40 },
  { id: "name", minWidth: 200 },
  { id: "env", width: 120, priority: 30 },
  { id: "image", width: 150, priority: 40 },
  { id: "state", width: 130, priority: 20 },
  { id: "ports", width: 130, priority: 70 },
  { id: "actions", width: 48 },
];

describe("choosing columns for a narrow table", () => {
  it("drops nothing at full width, even when the columns do not fit (the table scrolls sideways)", () => {
    expect(columnsToDrop(columns, COMPACT_BELOW_PX)).toEqual(new Set());
    expect(columnsToDrop(columns, 1400)).toEqual(new Set());
  });

  it("drops the least important first until the rest fit, never the name, selection or actions", () => {
    // 40 + 200 + 48 = 288 always; state (130) still fits in 420, the rest does not.
    expect(columnsToDrop(columns, 420)).toEqual(new Set(["ports", "image", "env"]));
    expect(columnsToDrop(columns, 300)).toEqual(new Set(["ports", "image", "env", "state"]));
    expect(columnsToDrop(columns, 200)).toEqual(new Set(["ports", "image", "env", "state"]));
  });

  it("wider than a phone, drops only columns the user did not choose, and keeps every chosen one", () => {
    const extra = [...columns, { id: "extra", width: 200, priority: 90 }];
    // Nothing to keep named: every shown column stays and the table scrolls.
    expect(columnsToDrop(extra, 850)).toEqual(new Set());
    // The defaults shown and nothing saved (nothing kept): the least important go until the rest fit.
    expect(columnsToDrop(columns, 850, new Set())).toEqual(new Set());
    expect(columnsToDrop(columns, 760, new Set())).toEqual(new Set(["ports"]));
    // A saved choice: its columns all stay at a tablet's width, even though they do not fit.
    const chosen = new Set(extra.map((c) => c.id));
    expect(columnsToDrop(extra, 850, chosen)).toEqual(new Set());
    // A column the user added stays; a default one they kept only by not choosing may go.
    expect(columnsToDrop(extra, 850, new Set(["extra"]))).toEqual(new Set(["ports", "image"]));
    // On a phone, the least important go whatever was chosen.
    expect(columnsToDrop(extra, 420, chosen)).toEqual(new Set(["extra", "ports", "image", "env"]));
  });

  it("does nothing before the table has been measured", () => {
    expect(columnsToDrop(columns, 0)).toEqual(new Set());
  });
});
