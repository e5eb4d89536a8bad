// Storage: named volumes (created when missing), sized memory file systems (tmpfs), and, as
// host access, host folders (`-v /host:/path` as Binds, `--mount type=bind` as Mounts).
import { z } from "zod";
import { formatBytesFlag } from "../cli";
import { absolutePath, volumeName } from "../fields";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const volumeSpec = z
  .object({
    /** a named volume (created when missing) */
    source: volumeName,
    target: absolutePath,
    readOnly: z.boolean().default(false),
    /** Host access: a volume driver other than local, or driver options (o=bind, device=…). */
    driver: z.string().trim().min(1).max(128).optional(),
    driverOptions: z.record(z.string().max(256), z.string().max(4096)).optional(),
  })
  .strict();

export const tmpfsSpec = z
  .object({
    target: absolutePath,
    /** absent: unbounded (half the host's memory), which needs host access; so does a large one */
    sizeBytes: z
      .number()
      .int()
      .min(1)
      .max(2 ** 50)
      .optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
  })
  .strict();

/** `--mount type=bind` */
export const bindMountSpec = z
  .object({
    source: absolutePath,
    target: absolutePath,
    readOnly: z.boolean().default(false),
  })
  .strict();

export const mountsShape = {
  volumes: z.array(volumeSpec).max(64).default([]),
  tmpfs: z.array(tmpfsSpec).max(32).default([]),
};
export const mountsHostAccessShape = {
  /** `-v /host/path:/in/container[:ro]`, as HostConfig.Binds */
  binds: z.array(z.string().trim().min(1).max(8192)).max(64).optional(),
  /** `--mount type=bind,…`, as HostConfig.Mounts */
  bindMounts: z.array(bindMountSpec).max(64).optional(),
};
export const serviceMountsHostAccessShape = { bindMounts: mountsHostAccessShape.bindMounts };

type Access = SpecSlice<typeof mountsHostAccessShape>;
type Container = SpecSlice<typeof mountsShape> & { hostAccess?: Access };
type Service = SpecSlice<typeof mountsShape> & { hostAccess?: Pick<Access, "bindMounts"> };
type ContainerInput = SpecSliceInput<typeof mountsShape> & {
  hostAccess?: SpecSliceInput<typeof mountsHostAccessShape>;
};
type ServiceInput = SpecSliceInput<typeof mountsShape> & {
  hostAccess?: SpecSliceInput<typeof serviceMountsHostAccessShape>;
};

/** Every mount target once: two mounts on one path is a mistake, whichever kind they are. */
function checkTargets(spec: Service, ctx: z.RefinementCtx) {
  const targets = new Set<string>();
  const claim = (target: string, path: (string | number)[]) => {
    const clean = target.replace(/\/+$/, "") || "/";
    if (targets.has(clean)) ctx.addIssue({ code: "custom", path, message: `${clean} is mounted twice.` });
    targets.add(clean);
  };
  spec.volumes.forEach((v, i) => claim(v.target, ["volumes", i, "target"]));
  spec.tmpfs.forEach((t, i) => claim(t.target, ["tmpfs", i, "target"]));
  spec.hostAccess?.bindMounts?.forEach((b, i) => claim(b.target, ["hostAccess", "bindMounts", i, "target"]));
}

/** The Mounts entries of a spec (the Engine's mount type, shared by containers and services). */
function engineMounts(
  spec: Service,
  origin: (index: number, field: string, within?: string) => void,
): Record<string, unknown>[] {
  const mounts: Record<string, unknown>[] = [];
  spec.volumes.forEach((v, i) => {
    origin(mounts.length, `volumes.${i}`);
    const driverConfig =
      v.driver !== undefined || v.driverOptions !== undefined
        ? { DriverConfig: { Name: v.driver ?? "local", Options: v.driverOptions ?? {} } }
        : {};
    mounts.push({
      Type: "volume",
      Source: v.source,
      Target: v.target,
      ReadOnly: v.readOnly,
      ...(Object.keys(driverConfig).length ? { VolumeOptions: driverConfig } : {}),
    });
  });
  spec.tmpfs.forEach((t, i) => {
    origin(mounts.length, `tmpfs.${i}`);
    origin(mounts.length, `tmpfs.${i}.sizeBytes`, ".TmpfsOptions.SizeBytes");
    const options = {
      ...(t.sizeBytes !== undefined ? { SizeBytes: t.sizeBytes } : {}),
      ...(t.mode !== undefined ? { Mode: t.mode } : {}),
    };
    mounts.push({ Type: "tmpfs", Target: t.target, ...(Object.keys(options).length ? { TmpfsOptions: options } : {}) });
  });
  (spec.hostAccess?.bindMounts ?? []).forEach((b, i) => {
    origin(mounts.length, `hostAccess.bindMounts.${i}`);
    mounts.push({ Type: "bind", Source: b.source, Target: b.target, ReadOnly: b.readOnly });
  });
  return mounts;
}

type EngineMount = {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  VolumeOptions?: { DriverConfig?: { Name?: string; Options?: Record<string, string> | null } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
};

/** Mounts entries back into the spec's lists. */
function fromEngineMounts(list: EngineMount[], dropped: string[]) {
  const volumes: z.input<typeof volumeSpec>[] = [];
  const tmpfs: z.input<typeof tmpfsSpec>[] = [];
  const bindMounts: z.input<typeof bindMountSpec>[] = [];
  for (const m of list) {
    if (!m.Target) continue;
    if (m.Type === "volume" && m.Source) {
      const driver = m.VolumeOptions?.DriverConfig;
      volumes.push({
        source: m.Source,
        target: m.Target,
        readOnly: Boolean(m.ReadOnly),
        ...(driver?.Name && driver.Name !== "local" ? { driver: driver.Name } : {}),
        ...(driver?.Options && Object.keys(driver.Options).length ? { driverOptions: driver.Options } : {}),
      });
    } else if (m.Type === "tmpfs") {
      tmpfs.push({
        target: m.Target,
        ...(m.TmpfsOptions?.SizeBytes ? { sizeBytes: m.TmpfsOptions.SizeBytes } : {}),
        ...(m.TmpfsOptions?.Mode ? { mode: m.TmpfsOptions.Mode } : {}),
      });
    } else if (m.Type === "bind" && m.Source) {
      bindMounts.push({ source: m.Source, target: m.Target, readOnly: Boolean(m.ReadOnly) });
    } else dropped.push(`the ${m.Type ?? "unknown"} mount at ${m.Target}`);
  }
  return { volumes, tmpfs, bindMounts };
}

/** "64m", "1g", "1024": a tmpfs size option as the engine reads it. */
function parseSize(text: string): number | undefined {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

function volumeMountWords(v: z.output<typeof volumeSpec>): string {
  const opts = Object.entries(v.driverOptions ?? {}).map(([k, val]) => `,volume-opt=${k}=${val}`);
  return `type=volume,src=${v.source},dst=${v.target}${v.readOnly ? ",readonly" : ""}${v.driver ? `,volume-driver=${v.driver}` : ""}${opts.join("")}`;
}

export const mountsSection = defineSection<Container, Service, ContainerInput, ServiceInput>({
  name: "mounts",
  modelled: { HostConfig: ["Mounts", "Binds"] },
  serviceModelled: ["TaskTemplate.ContainerSpec.Mounts"],

  check(spec, ctx) {
    checkTargets(spec, ctx);
  },
  toContainer(spec, draft) {
    const mounts = engineMounts(
      spec,
      (i, field, within = "") => (draft.origins[`HostConfig.Mounts[${i}]${within}`] = field),
    );
    if (mounts.length) draft.host.Mounts = mounts;
    const binds = spec.hostAccess?.binds ?? [];
    if (binds.length) {
      draft.host.Binds = binds;
      binds.forEach((_, i) => (draft.origins[`HostConfig.Binds[${i}]`] = `hostAccess.binds.${i}`));
    }
  },
  fromContainer({ inspect, host, image }, notes) {
    // Mounts, as the engine reports them (Binds and Mounts alike).
    const imageVolumes = new Set(Object.keys(image?.Volumes ?? {}));
    const volumes: z.input<typeof volumeSpec>[] = [];
    const bindMounts: z.input<typeof bindMountSpec>[] = [];
    for (const m of inspect.Mounts ?? []) {
      const mount = m as typeof m & { Type?: string };
      if (mount.Type === "volume") {
        if (mount.Name && /^[0-9a-f]{64}$/.test(mount.Name)) {
          // Anonymous: the image's VOLUME makes a fresh one; one given with -v /path is lost.
          if (!imageVolumes.has(mount.Destination)) {
            notes.dropped.push(`the anonymous volume at ${mount.Destination} (the copy gets none)`);
          }
          continue;
        }
        volumes.push({ source: mount.Name ?? "", target: mount.Destination, readOnly: !mount.RW });
      } else if (mount.Type === "bind") {
        bindMounts.push({ source: mount.Source, target: mount.Destination, readOnly: !mount.RW });
      } else if (mount.Type !== "tmpfs") {
        notes.dropped.push(`the ${mount.Type ?? "unknown"} mount at ${mount.Destination}`);
      }
    }
    const tmpfs: z.input<typeof tmpfsSpec>[] = [];
    for (const m of host.Mounts ?? []) {
      if (m.Type !== "tmpfs" || !m.Target) continue;
      tmpfs.push({
        target: m.Target,
        ...(m.TmpfsOptions?.SizeBytes ? { sizeBytes: m.TmpfsOptions.SizeBytes } : {}),
        ...(m.TmpfsOptions?.Mode ? { mode: m.TmpfsOptions.Mode } : {}),
      });
    }
    for (const [target, opts] of Object.entries(host.Tmpfs ?? {})) {
      const parts = opts.split(",");
      // The engine keeps the last of each option.
      const size = parts.findLast((p) => p.startsWith("size="))?.slice(5);
      const mode = parts.findLast((p) => p.startsWith("mode="))?.slice(5);
      const sizeBytes = size ? parseSize(size) : undefined;
      if (size && sizeBytes === undefined) notes.dropped.push(`the tmpfs size ${size} at ${target}`);
      tmpfs.push({ target, ...(sizeBytes ? { sizeBytes } : {}), ...(mode ? { mode: parseInt(mode, 8) } : {}) });
    }
    return {
      ...(volumes.length ? { volumes } : {}),
      ...(tmpfs.length ? { tmpfs } : {}),
      ...(bindMounts.length ? { hostAccess: { bindMounts } } : {}),
    };
  },
  notCarried({ host }) {
    return [
      ...(host.ReadonlyRootfs ? ["read-only root filesystem"] : []),
      ...(host.ShmSize && host.ShmSize !== 64 * 1024 * 1024 ? ["shared memory size"] : []),
    ];
  },
  runWords(spec, cli) {
    for (const v of spec.volumes) {
      if (v.driver !== undefined || v.driverOptions !== undefined) cli.flag("--mount", volumeMountWords(v));
      else cli.flag("-v", `${v.source}:${v.target}${v.readOnly ? ":ro" : ""}`);
    }
    for (const t of spec.tmpfs) {
      const opts = [
        t.sizeBytes !== undefined ? `size=${t.sizeBytes}` : null,
        t.mode !== undefined ? `mode=${t.mode.toString(8)}` : null,
      ]
        .filter(Boolean)
        .join(",");
      cli.flag("--tmpfs", `${t.target}${opts ? `:${opts}` : ""}`);
    }
    for (const b of spec.hostAccess?.binds ?? []) cli.flag("-v", b);
    for (const b of spec.hostAccess?.bindMounts ?? []) {
      cli.flag("--mount", `type=bind,src=${b.source},dst=${b.target}${b.readOnly ? ",readonly" : ""}`);
    }
  },

  checkService(spec, ctx) {
    checkTargets(spec, ctx);
  },
  toService(spec, draft) {
    const mounts = engineMounts(
      spec,
      (i, field, within = "") => (draft.origins[`TaskTemplate.ContainerSpec.Mounts[${i}]${within}`] = field),
    );
    if (mounts.length) draft.container.Mounts = mounts;
  },
  fromService(payload, dropped) {
    const { volumes, tmpfs, bindMounts } = fromEngineMounts(payload.TaskTemplate?.ContainerSpec?.Mounts ?? [], dropped);
    return {
      ...(volumes.length ? { volumes } : {}),
      ...(tmpfs.length ? { tmpfs } : {}),
      ...(bindMounts.length ? { hostAccess: { bindMounts } } : {}),
    };
  },
  serviceWords(spec, cli) {
    for (const v of spec.volumes) cli.flag("--mount", volumeMountWords(v));
    for (const t of spec.tmpfs) {
      const opts = [
        ...(t.sizeBytes !== undefined ? [`tmpfs-size=${formatBytesFlag(t.sizeBytes)}`] : []),
        ...(t.mode !== undefined ? [`tmpfs-mode=${t.mode.toString(8)}`] : []),
      ];
      cli.flag("--mount", [`type=tmpfs`, `dst=${t.target}`, ...opts].join(","));
    }
    for (const b of spec.hostAccess?.bindMounts ?? []) {
      cli.flag("--mount", `type=bind,src=${b.source},dst=${b.target}${b.readOnly ? ",readonly" : ""}`);
    }
  },
});
