import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { hostListed, hostNameOf } from "./origin";

describe("host names", () => {
  it("reads the name out of a Host header", () => {
    expect(hostNameOf("Stevedore.Example.com:3000")).toBe("stevedore.example.com");
    expect(hostNameOf("[::1]:3000")).toBe("::1");
    expect(hostNameOf("10.0.0.5")).toBe("10.0.0.5");
    expect(hostNameOf("example.com.")).toBe("example.com");
    expect(hostNameOf(null)).toBeNull();
  });

  it("matches configured names exactly, or under a leading dot", () => {
    const allowed = parseEnv({
      STEVEDORE_ALLOWED_HOSTS: "stevedore.example.com, .corp.example",
    }).STEVEDORE_ALLOWED_HOSTS;
    expect(hostListed("stevedore.example.com", allowed)).toBe(true);
    expect(hostListed("ops.corp.example", allowed)).toBe(true);
    expect(hostListed("corp.example", allowed)).toBe(true);
    expect(hostListed("evilcorp.example", allowed)).toBe(false);
    expect(hostListed("stevedore.example.com.evil.example", allowed)).toBe(false);
  });

  it("refuses a bad STEVEDORE_ALLOWED_HOSTS at start, naming it", () => {
    expect(() => parseEnv({ STEVEDORE_ALLOWED_HOSTS: "good.example, http://bad.example" })).toThrow(
      /STEVEDORE_ALLOWED_HOSTS: "http:\/\/bad.example" is not a host name/,
    );
    expect(parseEnv({}).STEVEDORE_ALLOWED_HOSTS).toEqual([]);
  });
});
