import { describe, expect, it } from "vitest";
import { parseKeyValues } from "./key-values";

describe("parseKeyValues", () => {
  it("reads key=value lines, keeps = in values, skips blank lines", () => {
    expect(parseKeyValues("type=nfs\n\n o = addr=10.0.0.1,rw \nflag")).toEqual({
      type: "nfs",
      o: "addr=10.0.0.1,rw",
      flag: "",
    });
  });
});
