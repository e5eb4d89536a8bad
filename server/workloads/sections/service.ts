// What only a swarm service has: how many tasks run (replicated, or one per node). Reading a
// ServiceSpec back also says what the spec cannot carry (placement, rollout settings,
// secrets and configs, ...): an update keeps those as they are.
import { z } from "zod";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const serviceModeSpec = z
  .object({
    /** replicated: `replicas` tasks anywhere; global: one task on every node */
    kind: z.enum(["replicated", "global"]),
    replicas: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .refine((m) => m.kind === "replicated" || m.replicas === undefined, {
    message: "A global service runs one task per node; it has no replica count.",
    path: ["replicas"],
  });

export const serviceModeShape = { mode: serviceModeSpec.default({ kind: "replicated", replicas: 1 }) };

type Slice = SpecSlice<typeof serviceModeShape>;

/** Set to something: `docker service create` writes empty objects (Placement: {}, DNSConfig: {}). */
function holds(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holds);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holds);
  return value !== undefined && value !== null && value !== false && value !== "" && value !== 0;
}

const NOT_CARRIED: [
  string,
  (c: Record<string, unknown>, t: Record<string, unknown>, s: Record<string, unknown>) => unknown,
][] = [
  ["placement constraints and preferences", (_c, t) => t.Placement],
  ["update and rollback settings", (_c, _t, s) => s.UpdateConfig ?? s.RollbackConfig],
  ["secrets", (c) => (c.Secrets as unknown[] | undefined)?.length],
  ["configs", (c) => (c.Configs as unknown[] | undefined)?.length],
  ["log driver settings", (_c, t) => t.LogDriver],
  ["hosts and DNS settings", (c) => (c.Hosts as unknown[] | undefined)?.length || c.DNSConfig],
  ["privileges (SELinux, seccomp, AppArmor, credential spec)", (c) => c.Privileges],
  ["read-only root filesystem", (c) => c.ReadOnly],
  ["stop signal and grace period", (c) => c.StopSignal || c.StopGracePeriod],
  ["a terminal (tty) and open stdin", (c) => c.TTY || c.OpenStdin],
  ["init process", (c) => c.Init],
  ["extra groups", (c) => (c.Groups as unknown[] | undefined)?.length],
  ["dropped capabilities", (c) => (c.CapabilityDrop as unknown[] | undefined)?.length],
  ["ulimits", (c) => (c.Ulimits as unknown[] | undefined)?.length],
  ["resource reservations", (_c, t) => (t.Resources as { Reservations?: unknown } | undefined)?.Reservations],
  ["the endpoint mode", (_c, _t, s) => (s.EndpointSpec as { Mode?: string } | undefined)?.Mode === "dnsrr"],
];

export const serviceModeSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof serviceModeShape>>({
  name: "service",
  serviceFields: { Mode: "mode" },

  toService(spec, draft) {
    draft.spec.Mode =
      spec.mode.kind === "global" ? { Global: {} } : { Replicated: { Replicas: spec.mode.replicas ?? 1 } };
  },
  fromService(payload, dropped) {
    const task = (payload.TaskTemplate ?? {}) as Record<string, unknown>;
    const container = (payload.TaskTemplate?.ContainerSpec ?? {}) as Record<string, unknown>;
    for (const [what, present] of NOT_CARRIED) {
      if (holds(present(container, task, payload as Record<string, unknown>))) dropped.push(what);
    }
    const mode = payload.Mode;
    if (mode?.Global) return { mode: { kind: "global" as const } };
    if (mode?.Replicated) return { mode: { kind: "replicated" as const, replicas: mode.Replicated.Replicas ?? 1 } };
    if (mode) dropped.push("the job mode (the spec makes a replicated service)");
    return {};
  },
  serviceWords(spec, cli) {
    if (spec.mode.kind === "global") cli.flag("--mode", "global");
    else if (spec.mode.replicas !== undefined && spec.mode.replicas !== 1)
      cli.flag("--replicas", String(spec.mode.replicas));
  },
});
