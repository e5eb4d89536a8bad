// Storage: named volumes (created when missing), sized memory file systems (tmpfs), and, as
// host access, host folders (`-v /host:/path` as Binds, `--mount type=bind` as Mounts).
import { z } from "zod";
import { listChangeWords } from "../cli";
import { defined, list, num, rec, str } from "../engine-read";
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
/** A service's volumes have no driver options (the spec leaves a service's volume driver to the volume). */
export const serviceMountsShape = {
  volumes: z
    .array(volumeSpec.omit({ driver: true, driverOptions: true }))
    .max(64)
    .default([]),
  tmpfs: mountsShape.tmpfs,
};
export const serviceMountsHostAccessShape = { bindMounts: mountsHostAccessShape.bindMounts };

type Access = SpecSlice<typeof mountsHostAccessShape>;
type Container = SpecSlice<typeof mountsShape> & { hostAccess?: Access };
type Service = SpecSlice<typeof serviceMountsShape> & { hostAccess?: Pick<Access, "bindMounts"> };
type Mounted = SpecSlice<typeof mountsShape> & { hostAccess?: Pick<Access, "bindMounts"> };
type ContainerInput = SpecSliceInput<typeof mountsShape> & {
  hostAccess?: SpecSliceInput<typeof mountsHostAccessShape>;
};
type ServiceInput = SpecSliceInput<typeof serviceMountsShape> & {
  hostAccess?: SpecSliceInput<typeof serviceMountsHostAccessShape>;
};

/** Every mount target once: two mounts on one path is a mistake, whichever kind they are. */
function checkTargets(spec: Service | Mounted, ctx: z.RefinementCtx) {
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
  spec: Mounted,
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
  // What the spec cannot say (other kinds, driver or bind options) is kept, and noted.
  fromService(payload, read) {
    const mounts = list(rec(rec(payload.TaskTemplate).ContainerSpec).Mounts).map(rec);
    if (
      mounts.some((m) => !["volume", "tmpfs", "bind"].includes(str(m.Type) ?? "") || m.VolumeOptions || m.BindOptions)
    ) {
      read.kept.push("mounts of other kinds or with driver options");
    }
    const binds = mounts
      .filter((m) => m.Type === "bind" && !m.BindOptions)
      .map((m) => ({ source: str(m.Source) ?? "", target: str(m.Target) ?? "", readOnly: m.ReadOnly === true }));
    return {
      volumes: mounts
        .filter((m) => m.Type === "volume" && !m.VolumeOptions && str(m.Source))
        .map((m) => ({ source: str(m.Source)!, target: str(m.Target) ?? "", readOnly: m.ReadOnly === true })),
      tmpfs: mounts
        .filter((m) => m.Type === "tmpfs")
        .map((m) =>
          defined({
            target: str(m.Target) ?? "",
            sizeBytes: num(rec(m.TmpfsOptions).SizeBytes),
            mode: num(rec(m.TmpfsOptions).Mode),
          }),
        ),
      ...(binds.length ? { hostAccess: { bindMounts: binds } } : {}),
    };
  },
  serviceWords(spec, words) {
    for (const m of serviceMountWords(spec)) words.flag("--mount", m);
  },
  serviceUpdateWords(before, after, words) {
    const target = (m: string) => /target=([^,]+)/.exec(m)?.[1] ?? m;
    words.push(
      ...listChangeWords(serviceMountWords(before), serviceMountWords(after), "mount", {
        key: (m) => m,
        rm: target,
        add: (m) => m,
      }),
    );
  },
});

/** `docker service create --mount` values, volumes then memory file systems then host folders. */
function serviceMountWords(spec: Service): string[] {
  return [
    ...spec.volumes.map((v) => `type=volume,source=${v.source},target=${v.target}${v.readOnly ? ",readonly" : ""}`),
    ...spec.tmpfs.map(
      (t) =>
        `type=tmpfs,target=${t.target}${t.sizeBytes !== undefined ? `,tmpfs-size=${t.sizeBytes}` : ""}${t.mode !== undefined ? `,tmpfs-mode=0${t.mode.toString(8)}` : ""}`,
    ),
    ...(spec.hostAccess?.bindMounts ?? []).map(
      (b) => `type=bind,source=${b.source},target=${b.target}${b.readOnly ? ",readonly" : ""}`,
    ),
  ];
}
