// What only a swarm service has: how many tasks run (replicated, one per node, or as a job
// that runs to completion). Reading a ServiceSpec back also says what the spec does not
// model (privileges, a read-only root, ulimits, a log driver, ...): an update keeps those as
// they are.
import { z } from "zod";
import { sameSpec } from "../cli";
import { list, num, rec } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

const count = z.number().int().min(1).max(10_000).default(1);

export const serviceModeSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("replicated"), replicas: z.number().int().min(0).max(10_000).default(1) }).strict(),
  z.object({ kind: z.literal("global") }).strict(),
  z
    .object({
      kind: z.literal("replicated-job"),
      /** how many tasks must complete */
      totalCompletions: count,
      /** how many run at once */
      maxConcurrent: count,
    })
    .strict(),
  z.object({ kind: z.literal("global-job") }).strict(),
]);

export const serviceModeShape = { mode: serviceModeSpec.default({ kind: "replicated", replicas: 1 }) };

type Slice = SpecSlice<typeof serviceModeShape>;
type Mode = Slice["mode"];
type Json = Record<string, unknown>;

/** Set to something: `docker service create` writes empty objects (Privileges: {}, DNSConfig: {}). */
function holds(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holds);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holds);
  return value !== undefined && value !== null && value !== false && value !== "" && value !== 0;
}

/** What the ContainerSpec and TaskTemplate may hold that no section models. */
const NOT_MODELLED: [string, (c: Json, t: Json) => unknown][] = [
  ["privileges (SELinux, seccomp, AppArmor, credential spec)", (c) => c.Privileges],
  ["a read-only root filesystem", (c) => c.ReadOnly],
  ["a stop signal", (c) => c.StopSignal],
  ["a terminal (tty) and open stdin", (c) => c.TTY || c.OpenStdin],
  ["an init process", (c) => c.Init],
  ["extra groups", (c) => list(c.Groups).length],
  ["hosts and DNS settings", (c) => list(c.Hosts).length || c.DNSConfig],
  ["dropped capabilities", (c) => list(c.CapabilityDrop).length],
  ["ulimits", (c) => list(c.Ulimits).length],
  ["a log driver", (_c, t) => t.LogDriver],
];

function modeToEngine(mode: Mode): Json {
  switch (mode.kind) {
    case "replicated":
      return { Replicated: { Replicas: mode.replicas } };
    case "global":
      return { Global: {} };
    case "replicated-job":
      return { ReplicatedJob: { MaxConcurrent: mode.maxConcurrent, TotalCompletions: mode.totalCompletions } };
    case "global-job":
      return { GlobalJob: {} };
  }
}

function modeOf(mode: Json): z.input<typeof serviceModeSpec> {
  if ("Global" in mode) return { kind: "global" };
  if ("ReplicatedJob" in mode) {
    const job = rec(mode.ReplicatedJob);
    return {
      kind: "replicated-job",
      totalCompletions: num(job.TotalCompletions) ?? 1,
      maxConcurrent: num(job.MaxConcurrent) ?? 1,
    };
  }
  if ("GlobalJob" in mode) return { kind: "global-job" };
  return { kind: "replicated", replicas: num(rec(mode.Replicated).Replicas) ?? 1 };
}

function modeWords(mode: Mode): string[] {
  switch (mode.kind) {
    case "replicated":
      return mode.replicas !== 1 ? ["--replicas", String(mode.replicas)] : [];
    case "global":
      return ["--mode", "global"];
    case "replicated-job":
      return [
        "--mode",
        "replicated-job",
        ...(mode.totalCompletions !== 1 ? ["--replicas", String(mode.totalCompletions)] : []),
        ...(mode.maxConcurrent !== 1 ? ["--max-concurrent", String(mode.maxConcurrent)] : []),
      ];
    case "global-job":
      return ["--mode", "global-job"];
  }
}

export const serviceModeSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof serviceModeShape>>({
  name: "service",
  serviceFields: { Mode: "mode" },

  toService(spec, draft) {
    draft.spec.Mode = modeToEngine(spec.mode);
  },
  fromService(payload, read) {
    const task = rec(payload.TaskTemplate);
    const container = rec(task.ContainerSpec);
    for (const [what, present] of NOT_MODELLED) if (holds(present(container, task))) read.kept.push(what);
    return { mode: modeOf(rec(payload.Mode)) };
  },
  serviceWords(spec, words) {
    words.flags.push(...modeWords(spec.mode));
  },
  // The kind of a service cannot change (the caller refuses it); its count can.
  serviceUpdateWords(before, after, words) {
    if (sameSpec(before.mode, after.mode)) return;
    if (after.mode.kind === "replicated") words.push("--replicas", String(after.mode.replicas));
    else if (after.mode.kind === "replicated-job") {
      words.push(
        "--replicas",
        String(after.mode.totalCompletions),
        "--max-concurrent",
        String(after.mode.maxConcurrent),
      );
    }
  },
});
