import { describe, expect, it } from "vitest";
import { groupPermissions } from "./group-permissions";

const entry = (permission: string) => ({ permission, description: permission, scope: "environment" as const });

describe("groupPermissions", () => {
  it("groups by the part before the first dot, keeping catalogue order", () => {
    const groups = groupPermissions([
      entry("container.read"),
      entry("container.create.privileged"),
      entry("image.pull"),
      entry("container.exec"),
    ]);
    expect(groups.map((g) => g.label)).toEqual(["Containers", "Images"]);
    expect(groups[0]!.entries.map((e) => e.permission)).toEqual([
      "container.read",
      "container.create.privileged",
      "container.exec",
    ]);
  });

  it("names an unknown resource after itself", () => {
    expect(groupPermissions([entry("widget.spin")])[0]!.label).toBe("Widget");
  });
});
