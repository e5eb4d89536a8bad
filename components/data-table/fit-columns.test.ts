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

  it("chooses at any width where the default columns do not fit (a tablet, a window beside the sidebar)", () => {
    // Say the defaults need 920: at 850 the least important go until the rest fit.
    expect(columnsToDrop(columns, 850, 920)).toEqual(new Set());
    expect(columnsToDrop([...columns, { id: "extra", width: 200, priority: 90 }], 850, 920)).toEqual(
      new Set(["extra"]),
    );
    // Wide enough for the defaults: the user's own extra column stays and the table scrolls.
    expect(columnsToDrop([...columns, { id: "extra", width: 200, priority: 90 }], 920, 920)).toEqual(new Set());
  });

  it("does nothing before the table has been measured", () => {
    expect(columnsToDrop(columns, 0)).toEqual(new Set());
  });
});
