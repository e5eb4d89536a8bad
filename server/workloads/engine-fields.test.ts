// The one respelling table agrees with the policy: every Engine field the policy has a rule
// for (or reads inside a rule) is spelt there as the rule spells it, so a raw key in any
// spelling the engine accepts is judged, and sent, as that field.
import { describe, expect, it } from "vitest";
import { canonicalEngineKey, canonicalEngineKeys, ENGINE_FIELD_NAMES, foldEngineKey } from "./engine-fields";
import { ruleKeys } from "./policy/roots";

describe("the respelling table", () => {
  it("spells every key the policy has a rule for, and every field a rule reads inside its value", () => {
    const readInsideRules = [
      ...["Type", "Source", "Target", "ReadOnly", "Consistency", "VolumeOptions", "TmpfsOptions", "SizeBytes"],
      ...["Mode", "NoCopy", "Labels", "DriverConfig", "Name", "Options", "PathOnHost", "Target", "Aliases"],
    ];
    for (const key of [...ruleKeys(), ...readInsideRules]) {
      expect(ENGINE_FIELD_NAMES.map(foldEngineKey), key).toContain(foldEngineKey(key));
    }
  });

  it("folds as Go's encoding/json matches field names", () => {
    expect(foldEngineKey("Bind\u017f")).toBe("binds");
    expect(foldEngineKey("Networ\u212aMode")).toBe("networkmode");
    expect(canonicalEngineKey("BINDS")).toBe("Binds");
    expect(canonicalEngineKey("\u017fhm\u017fize")).toBe("ShmSize");
    // Only ſ and the Kelvin sign fold onto ASCII letters; nothing else does.
    expect(canonicalEngineKey("B\u0131nds")).toBe("B\u0131nds");
    expect(canonicalEngineKey("Binds\u200b")).toBe("Binds\u200b");
  });

  it("keeps data keys (labels, options, port keys) as they are, and drops __proto__", () => {
    const payload = JSON.parse(
      '{"labelſ":{"Keep.Me":"x"},"portbindings":{"80/tcp":[{"hostport":"8080"}]},"__proto__":{"Binds":["/:/h"]}}',
    ) as Record<string, unknown>;
    expect(canonicalEngineKeys(payload)).toEqual({
      Labels: { "Keep.Me": "x" },
      PortBindings: { "80/tcp": [{ HostPort: "8080" }] },
    });
  });
});
