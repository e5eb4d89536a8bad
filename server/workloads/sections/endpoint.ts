// How other services reach this one: a virtual IP (vip, the default) or DNS round robin
// (dnsrr), which has no routing mesh, so its ports publish in host mode. Service only.
import { z } from "zod";
import { rec, str } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";
import { endpointSpec } from "./ports";

export const endpointShape = { endpointMode: z.enum(["vip", "dnsrr"]).optional() };

type Slice = SpecSlice<typeof endpointShape> & { ports: { publishMode: "ingress" | "host" }[] };

export const endpointSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof endpointShape>>({
  name: "endpoint",
  serviceFields: { "EndpointSpec.Mode": "endpointMode" },
  // The ports section writes EndpointSpec.Ports: an update replaces the whole EndpointSpec.
  serviceModelled: ["EndpointSpec"],

  checkService(spec, ctx) {
    if (spec.endpointMode === "dnsrr" && spec.ports.some((p) => p.publishMode === "ingress")) {
      ctx.addIssue({
        code: "custom",
        message: "DNS round robin has no routing mesh: publish in host mode.",
        path: ["endpointMode"],
      });
    }
  },
  toService(spec, draft) {
    if (spec.endpointMode) endpointSpec(draft).Mode = spec.endpointMode;
  },
  fromService(payload) {
    return str(rec(payload.EndpointSpec).Mode) === "dnsrr" ? { endpointMode: "dnsrr" as const } : {};
  },
  serviceWords(spec, words) {
    if (spec.endpointMode) words.flag("--endpoint-mode", spec.endpointMode);
  },
  serviceUpdateWords(before, after, words) {
    if ((before.endpointMode ?? "vip") !== (after.endpointMode ?? "vip")) {
      words.push("--endpoint-mode", after.endpointMode ?? "vip");
    }
  },
});
