import { describe, expect, it } from "vitest";
import { parseEnv } from "../../env";
import { clientAddress } from "./client-address";

const proxies = parseEnv({ STEVEDORE_TRUSTED_PROXIES: "10.0.0.1, 192.168.0.0/16, fd00::/8" }).trustedProxies!;

describe("clientAddress", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress("203.0.113.9", "1.2.3.4", null)).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress("203.0.113.9", "1.2.3.4", proxies)).toBe("203.0.113.9");
  });

  it("believes a trusted proxy, reading past trusted hops from the right", () => {
    expect(clientAddress("10.0.0.1", "198.51.100.7", proxies)).toBe("198.51.100.7");
    // A client that writes its own X-Forwarded-For cannot pick its address: the proxy appends the real one.
    expect(clientAddress("10.0.0.1", "1.1.1.1, 198.51.100.7", proxies)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:10.0.0.1", "198.51.100.7, 192.168.4.4", proxies)).toBe("198.51.100.7");
    expect(clientAddress("fd00::1", ["2001:db8::5"], proxies)).toBe("2001:db8::5");
  });

  it("falls back to the peer when the header is garbled", () => {
    expect(clientAddress("10.0.0.1", "not-an-address", proxies)).toBe("10.0.0.1");
  });

  it("is refused at start when an entry is neither an address nor a block", () => {
    expect(() => parseEnv({ STEVEDORE_TRUSTED_PROXIES: "10.0.0.1, proxy.local" })).toThrow(
      /STEVEDORE_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR block/,
    );
    expect(() => parseEnv({ STEVEDORE_TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/STEVEDORE_TRUSTED_PROXIES/);
    expect(parseEnv({}).trustedProxies).toBeNull();
  });
});
