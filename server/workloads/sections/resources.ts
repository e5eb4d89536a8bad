// Resource limits: memory, CPUs, processes. The same limits bound a container, a running
// container's update, and a swarm task (TaskTemplate.Resources.Limits).
import { z } from "zod";
import { cpusFlag, formatBytesFlag } from "../cli";
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
  Slice,
  SpecSliceInput<typeof resourcesShape>,
  SpecSliceInput<typeof resourcesShape>,
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
    "TaskTemplate.Resources.Limits.MemoryBytes": "resources.memoryBytes",
    "TaskTemplate.Resources.Limits.NanoCPUs": "resources.cpus",
    "TaskTemplate.Resources.Limits.Pids": "resources.pidsLimit",
  },

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
    const r = spec.resources;
    const limits = {
      ...(r.memoryBytes !== undefined ? { MemoryBytes: r.memoryBytes } : {}),
      ...(r.cpus !== undefined ? { NanoCPUs: Math.round(r.cpus * NS) } : {}),
      ...(r.pidsLimit !== undefined ? { Pids: r.pidsLimit } : {}),
    };
    if (Object.keys(limits).length) draft.task.Resources = { Limits: limits };
  },
  fromService(payload) {
    const limits = payload.TaskTemplate?.Resources?.Limits;
    const resources = {
      ...(limits?.MemoryBytes ? { memoryBytes: limits.MemoryBytes } : {}),
      ...(limits?.NanoCPUs ? { cpus: limits.NanoCPUs / NS } : {}),
      ...(limits?.Pids ? { pidsLimit: limits.Pids } : {}),
    };
    return Object.keys(resources).length ? { resources } : {};
  },
  serviceWords(spec, cli) {
    const r = spec.resources;
    if (r.memoryBytes !== undefined) cli.flag("--limit-memory", formatBytesFlag(r.memoryBytes));
    if (r.cpus !== undefined) cli.flag("--limit-cpu", cpusFlag(r.cpus));
    if (r.pidsLimit !== undefined) cli.flag("--limit-pids", String(r.pidsLimit));
  },
});
