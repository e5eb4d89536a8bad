// Resource limits: memory, CPUs, processes. The same limits bound a container, a running
// container's update, and a swarm task (TaskTemplate.Resources.Limits).
import { z } from "zod";
import { cpusFlag, formatBytesFlag, nanoCpusFlag } from "../cli";
import { defined, list, num, rec } from "../engine-read";
import { defineSection, NS, type SpecSlice, type SpecSliceInput } from "../section";

export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

const memoryBytes = z
  .number()
  .int()
  .min(MIN_MEMORY_BYTES, "Docker needs at least 6 MB.")
  .max(2 ** 50);
const cpus = z.number().min(0.01, "At least 0.01 CPUs.").max(1024);

export const resourcesSpec = z
  .object({
    memoryBytes: memoryBytes.optional(),
    cpus: cpus.optional(),
    pidsLimit: z.number().int().min(1, "At least 1 process.").max(4_194_304).optional(),
  })
  .strict();

export const resourcesShape = { resources: resourcesSpec.default({}) };
/** A swarm task's limits, and what the scheduler reserves for it on a node. */
export const serviceResourcesShape = {
  resources: z
    .object({
      limits: z
        .object({ cpus: cpus.optional(), memoryBytes: memoryBytes.optional(), pids: resourcesSpec.shape.pidsLimit })
        .strict()
        .default({}),
      reservations: z
        .object({
          cpus: cpus.optional(),
          memoryBytes: z
            .number()
            .int()
            .min(1)
            .max(2 ** 50)
            .optional(),
        })
        .strict()
        .default({}),
    })
    .strict()
    .optional(),
};
export const resourcesUpdateShape = {
  memoryBytes: memoryBytes.optional(),
  /** memory + swap; -1: unlimited swap. Absent with memoryBytes: twice the memory, as at create. */
  memorySwapBytes: z
    .number()
    .int()
    .min(-1)
    .max(2 ** 50)
    .optional(),
  cpus: cpus.optional(),
  /** 0: no limit */
  pidsLimit: z.number().int().min(0).max(4_194_304).optional(),
};

type Slice = SpecSlice<typeof resourcesShape>;
type Service = SpecSlice<typeof serviceResourcesShape>;
type Update = SpecSlice<typeof resourcesUpdateShape>;

export function checkResourcesUpdate(u: Update, ctx: z.RefinementCtx): void {
  const { memoryBytes: memory, memorySwapBytes: swap } = u;
  if (swap !== undefined && swap !== -1 && memory !== undefined && swap < memory) {
    ctx.addIssue({
      code: "custom",
      path: ["memorySwapBytes"],
      message: "Memory plus swap cannot be less than the memory.",
    });
  }
}

export const resourcesSection = defineSection<
  Slice,
  Service,
  SpecSliceInput<typeof resourcesShape>,
  SpecSliceInput<typeof serviceResourcesShape>,
  Update
>({
  name: "resources",
  modelled: { HostConfig: ["Memory", "NanoCpus", "PidsLimit"] },
  fields: {
    "HostConfig.Memory": "resources.memoryBytes",
    "HostConfig.NanoCpus": "resources.cpus",
    "HostConfig.PidsLimit": "resources.pidsLimit",
    Memory: "memoryBytes",
    MemorySwap: "memorySwapBytes",
    NanoCpus: "cpus",
    PidsLimit: "pidsLimit",
  },
  serviceFields: {
    "TaskTemplate.Resources.Limits.MemoryBytes": "resources.limits.memoryBytes",
    "TaskTemplate.Resources.Limits.NanoCPUs": "resources.limits.cpus",
    "TaskTemplate.Resources.Reservations.MemoryBytes": "resources.reservations.memoryBytes",
    "TaskTemplate.Resources.Reservations.NanoCPUs": "resources.reservations.cpus",
    "TaskTemplate.Resources.Limits.Pids": "resources.limits.pids",
  },
  serviceModelled: ["TaskTemplate.Resources"],

  toContainer(spec, draft) {
    const r = spec.resources;
    if (r.memoryBytes !== undefined) draft.host.Memory = r.memoryBytes;
    if (r.cpus !== undefined) draft.host.NanoCpus = Math.round(r.cpus * NS);
    if (r.pidsLimit !== undefined) draft.host.PidsLimit = r.pidsLimit;
  },
  fromContainer({ host }) {
    const resources: NonNullable<SpecSliceInput<typeof resourcesShape>["resources"]> = {};
    if (host.Memory) resources.memoryBytes = host.Memory;
    if (host.NanoCpus) resources.cpus = host.NanoCpus / NS;
    else if (host.CpuQuota && host.CpuPeriod) {
      resources.cpus = Math.round((host.CpuQuota / host.CpuPeriod) * 100) / 100;
    }
    if (host.PidsLimit && host.PidsLimit > 0) resources.pidsLimit = host.PidsLimit;
    return Object.keys(resources).length ? { resources } : {};
  },
  notCarried({ host }) {
    return [
      ...(host.Ulimits?.length ? ["ulimits"] : []),
      ...(host.OomScoreAdj ? ["OOM score"] : []),
      ...(host.CpuShares || host.CpusetCpus || host.CpusetMems || (host.CpuQuota && !host.NanoCpus && !host.CpuPeriod)
        ? ["CPU shares, sets or realtime settings"]
        : []),
      ...(host.MemoryReservation ||
      (host.MemorySwap && host.MemorySwap !== -1 && host.MemorySwap !== 2 * (host.Memory ?? 0))
        ? ["memory reservation and swap"]
        : []),
    ];
  },
  runWords(spec, cli) {
    const r = spec.resources;
    if (r.memoryBytes !== undefined) cli.flag("--memory", formatBytesFlag(r.memoryBytes));
    if (r.cpus !== undefined) cli.flag("--cpus", cpusFlag(r.cpus));
    if (r.pidsLimit !== undefined) cli.flag("--pids-limit", String(r.pidsLimit));
  },
  toUpdate(update, body) {
    if (update.memoryBytes !== undefined) {
      body.Memory = update.memoryBytes;
      body.MemorySwap = update.memorySwapBytes ?? update.memoryBytes * 2;
    } else if (update.memorySwapBytes !== undefined) body.MemorySwap = update.memorySwapBytes;
    if (update.cpus !== undefined) body.NanoCpus = Math.round(update.cpus * NS);
    if (update.pidsLimit !== undefined) body.PidsLimit = update.pidsLimit === 0 ? -1 : update.pidsLimit;
  },
  updateWords(update, body, words) {
    if (update.memoryBytes !== undefined) words.push("--memory", formatBytesFlag(update.memoryBytes));
    if (typeof body.MemorySwap === "number") {
      words.push("--memory-swap", body.MemorySwap === -1 ? "-1" : formatBytesFlag(body.MemorySwap));
    }
    if (update.cpus !== undefined) words.push("--cpus", cpusFlag(update.cpus));
    if (update.pidsLimit !== undefined)
      words.push("--pids-limit", String(update.pidsLimit === 0 ? -1 : update.pidsLimit));
  },

  toService(spec, draft) {
    if (!spec.resources) return;
    const { limits, reservations } = spec.resources;
    draft.task.Resources = {
      Limits: {
        ...(limits.cpus !== undefined ? { NanoCPUs: Math.round(limits.cpus * NS) } : {}),
        ...(limits.memoryBytes !== undefined ? { MemoryBytes: limits.memoryBytes } : {}),
        ...(limits.pids !== undefined ? { Pids: limits.pids } : {}),
      },
      Reservations: {
        ...(reservations.cpus !== undefined ? { NanoCPUs: Math.round(reservations.cpus * NS) } : {}),
        ...(reservations.memoryBytes !== undefined ? { MemoryBytes: reservations.memoryBytes } : {}),
      },
    };
  },
  fromService(payload, read) {
    const limits = rec(rec(rec(payload.TaskTemplate).Resources).Limits);
    const reservations = rec(rec(rec(payload.TaskTemplate).Resources).Reservations);
    if (list(limits.GenericResources).length || list(reservations.GenericResources).length) {
      read.kept.push("generic resources");
    }
    if (!Object.keys(limits).length && !Object.keys(reservations).length) return {};
    const cpusOf = (nano: unknown) => (num(nano) ? num(nano)! / NS : undefined);
    return {
      resources: {
        limits: defined({
          cpus: cpusOf(limits.NanoCPUs),
          memoryBytes: num(limits.MemoryBytes) || undefined,
          pids: num(limits.Pids) || undefined,
        }),
        reservations: defined({
          cpus: cpusOf(reservations.NanoCPUs),
          memoryBytes: num(reservations.MemoryBytes) || undefined,
        }),
      },
    };
  },
  serviceWords(spec, words) {
    const limits = spec.resources?.limits;
    if (limits?.cpus !== undefined) words.flag("--limit-cpu", nanoCpusFlag(limits.cpus * NS));
    if (limits?.memoryBytes !== undefined) words.flag("--limit-memory", formatBytesFlag(limits.memoryBytes));
    if (limits?.pids !== undefined) words.flag("--limit-pids", String(limits.pids));
    const reservations = spec.resources?.reservations;
    if (reservations?.cpus !== undefined) words.flag("--reserve-cpu", nanoCpusFlag(reservations.cpus * NS));
    if (reservations?.memoryBytes !== undefined) {
      words.flag("--reserve-memory", formatBytesFlag(reservations.memoryBytes));
    }
  },
  // The CLI clears a limit or reservation with 0.
  serviceUpdateWords(before, after, words) {
    const cpusWord = (cpus: number | undefined) => (cpus !== undefined ? nanoCpusFlag(cpus * NS) : "0");
    const bytesWord = (bytes: number | undefined) => (bytes !== undefined ? formatBytesFlag(bytes) : "0");
    const lb = before.resources?.limits ?? {};
    const la = after.resources?.limits ?? {};
    if (lb.cpus !== la.cpus) words.push("--limit-cpu", cpusWord(la.cpus));
    if (lb.memoryBytes !== la.memoryBytes) words.push("--limit-memory", bytesWord(la.memoryBytes));
    if (lb.pids !== la.pids) words.push("--limit-pids", String(la.pids ?? 0));
    const rb = before.resources?.reservations ?? {};
    const ra = after.resources?.reservations ?? {};
    if (rb.cpus !== ra.cpus) words.push("--reserve-cpu", cpusWord(ra.cpus));
    if (rb.memoryBytes !== ra.memoryBytes) words.push("--reserve-memory", bytesWord(ra.memoryBytes));
  },
});
