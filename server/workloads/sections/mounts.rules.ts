// Policy rules for the mounts section. Named local volumes and sized memory file systems are
// plain; host paths in any form (Binds, bind mounts, a local volume with bind options,
// another volume driver) are host access, and one that reaches an engine's socket needs the
// socket permission besides. Memory file systems are bounded together (MAX_PLAIN_MEMORY_FS_BYTES).
import "server-only";
import { formatSize, MAX_PLAIN_MEMORY_FS_BYTES } from "../fields";
import { checkSocket } from "../policy/sockets";
import {
  absent,
  bool,
  describe,
  isEmpty,
  isInt,
  isRecord,
  isString,
  isStringRecord,
  list,
  needPrivileged,
  nonNegativeInt,
  oneOf,
  plain,
  plainWhen,
  stringRecord,
  type Rule,
  type Rules,
  type Walk,
} from "../policy/walk";

/** A named volume is plain when it is (or will be) a local volume without driver options. */
function namedVolume(name: string, field: string, walk: Walk) {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    return needPrivileged(walk, field, `unexpected volume name ${describe(name)}`);
  }
  const existing = walk.facts.volumes?.[name];
  if (!existing) return;
  const options = Object.keys(existing.options ?? {});
  if (existing.driver !== "local" || options.length) {
    const device = existing.options.device;
    needPrivileged(
      walk,
      field,
      existing.driver !== "local"
        ? `the volume ${name} uses the ${existing.driver} driver`
        : `the volume ${name} has driver options (${options.join(", ")})${device ? ` that reach the host path ${device}` : ""}`,
    );
    if (device) checkSocket(walk, field, device);
  }
}

/** One HostConfig.Binds entry: "volume:/path[:opts]" is plain; "/host/path:/path" is a bind mount. */
function bindsEntry(entry: unknown, field: string, walk: Walk) {
  if (!isString(entry)) return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  const parts = entry.split(":");
  if (parts.length === 1) {
    // "/data": an anonymous volume, like Config.Volumes.
    if (entry.startsWith("/")) return;
    return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  }
  const [source = "", target = "", options = "", ...rest] = parts;
  if (rest.length || !target.startsWith("/")) {
    return needPrivileged(walk, field, `unexpected value ${describe(entry)} (want source:/path[:options])`);
  }
  const plainOptions = options.split(",").every((o) => ["", "ro", "rw", "nocopy"].includes(o));
  if (source.startsWith("/")) {
    needPrivileged(walk, field, `bind-mounts the host path ${source}`);
    checkSocket(walk, field, source);
    return;
  }
  namedVolume(source, field, walk);
  if (!plainOptions) {
    needPrivileged(walk, field, `mount options ${describe(options)} are not plain ones (ro, rw, nocopy)`);
  }
}

function driverConfig(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  const name = value.Name;
  const options = value.Options;
  for (const key of Object.keys(value)) {
    if (key !== "Name" && key !== "Options") {
      needPrivileged(walk, `${field}.${key}`, "not a plain field of a volume driver");
    }
  }
  if (!absent(name) && !(isString(name) && (name === "" || name === "local"))) {
    needPrivileged(walk, `${field}.Name`, `the volume driver ${describe(name)} (only local is plain)`);
  }
  if (!isEmpty(options)) {
    const device = isRecord(options) && isString(options.device) ? options.device : undefined;
    needPrivileged(
      walk,
      `${field}.Options`,
      `volume driver options ${describe(options)}${device ? ` reach the host path ${device}` : ""}`,
    );
    if (device) checkSocket(walk, `${field}.Options`, device);
  }
}

/**
 * Counts a memory file system against the bound; the one that takes the total over it is
 * host access. `bytes` undefined: no size at all (half the host's memory).
 */
function memoryFs(walk: Walk, field: string, bytes: number | undefined, what: string) {
  if (bytes === undefined) {
    return needPrivileged(walk, field, `${what} without a size bound can take half of the host's memory`);
  }
  walk.memoryFsBytes += bytes;
  if (walk.memoryFsBytes > MAX_PLAIN_MEMORY_FS_BYTES) {
    needPrivileged(
      walk,
      field,
      `${what} of ${formatSize(bytes)} takes memory file systems (tmpfs and /dev/shm) to ` +
        `${formatSize(walk.memoryFsBytes)}; without host access they may hold ${formatSize(MAX_PLAIN_MEMORY_FS_BYTES)} together`,
    );
  }
}

const MOUNT_COMMON = ["Type", "Target", "ReadOnly", "Consistency"];

function mountsEntry(entry: unknown, field: string, walk: Walk) {
  if (!isRecord(entry)) return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  const type = entry.Type;
  if (!isString(entry.Target) || !entry.Target.startsWith("/")) {
    needPrivileged(walk, `${field}.Target`, `unexpected target ${describe(entry.Target)}`);
  }
  if (!absent(entry.ReadOnly) && typeof entry.ReadOnly !== "boolean") {
    needPrivileged(walk, `${field}.ReadOnly`, `unexpected value ${describe(entry.ReadOnly)}`);
  }
  if (!absent(entry.Consistency) && !oneOf("", "default", "consistent", "cached", "delegated")(entry.Consistency)) {
    needPrivileged(walk, `${field}.Consistency`, `unexpected value ${describe(entry.Consistency)}`);
  }
  const extra = (allowed: string[]) => {
    for (const key of Object.keys(entry)) {
      if (![...MOUNT_COMMON, ...allowed].includes(key)) {
        needPrivileged(walk, `${field}.${key}`, `not a plain field of a ${String(type)} mount`);
      }
    }
  };
  switch (type) {
    case "volume": {
      extra(["Source", "VolumeOptions"]);
      if (!absent(entry.Source) && entry.Source !== "") {
        if (isString(entry.Source)) namedVolume(entry.Source, `${field}.Source`, walk);
        else needPrivileged(walk, `${field}.Source`, `unexpected value ${describe(entry.Source)}`);
      }
      const options = entry.VolumeOptions;
      if (absent(options)) return;
      if (!isRecord(options)) {
        return needPrivileged(walk, `${field}.VolumeOptions`, `unexpected value ${describe(options)}`);
      }
      for (const [key, value] of Object.entries(options)) {
        const at = `${field}.VolumeOptions.${key}`;
        if (key === "NoCopy") bool(value, at, walk);
        else if (key === "Labels") stringRecord(value, at, walk);
        else if (key === "DriverConfig") driverConfig(value, at, walk);
        else needPrivileged(walk, at, "not a plain field of a volume mount");
      }
      return;
    }
    case "tmpfs": {
      extra(["TmpfsOptions"]);
      const options = entry.TmpfsOptions;
      const size =
        isRecord(options) && isInt(options.SizeBytes) && options.SizeBytes > 0 ? options.SizeBytes : undefined;
      memoryFs(walk, `${field}.TmpfsOptions.SizeBytes`, size, "a tmpfs");
      if (isRecord(options)) {
        for (const [key, value] of Object.entries(options)) {
          const at = `${field}.TmpfsOptions.${key}`;
          if (key === "SizeBytes") continue;
          if (key === "Mode") nonNegativeInt(value, at, walk);
          else needPrivileged(walk, at, "not a plain field of a tmpfs mount");
        }
      }
      return;
    }
    case "bind": {
      const source = isString(entry.Source) ? entry.Source : describe(entry.Source);
      needPrivileged(walk, field, `bind-mounts the host path ${source}`);
      if (isString(entry.Source)) checkSocket(walk, field, entry.Source);
      return;
    }
    default:
      needPrivileged(
        walk,
        `${field}.Type`,
        `a mount of type ${describe(type)} (only volume and sized tmpfs are plain)`,
      );
  }
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
  e: 1024 ** 6,
};

/**
 * HostConfig.Tmpfs: {"/run": "size=64m,mode=1777"}. The engine merges repeated options and
 * keeps the last (`size=1m,size=0` is unbounded), and the kernel reads `size=N%` as a share
 * of the host's memory: only the last size counts, and a percentage is never plain.
 */
function tmpfsMap(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isStringRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  for (const [path, options] of Object.entries(value)) {
    const at = `${field}.${path}`;
    if (!path.startsWith("/")) needPrivileged(walk, at, `unexpected path ${describe(path)}`);
    const parts = options.split(",").filter(Boolean);
    const size = parts.findLast((p) => p.startsWith("size="))?.slice("size=".length);
    const sized = size === undefined ? null : /^(\d{1,19})([kmgtpe]?)$/i.exec(size);
    if (size !== undefined && size.endsWith("%")) {
      needPrivileged(walk, at, `a tmpfs of size=${size} is a share of the host's memory, not a bound`);
    } else if (size !== undefined && !sized) {
      needPrivileged(walk, at, `tmpfs size ${describe(size)} is not a plain size (like 64m)`);
    } else {
      const bytes = sized ? Number(sized[1]) * UNITS[sized[2]!.toLowerCase()]! : 0;
      memoryFs(walk, at, bytes > 0 ? bytes : undefined, "a tmpfs");
    }
    const unusual = parts.filter(
      (p) => !/^(size=\S+|mode=[0-7]{3,4}|ro|rw|noexec|nosuid|nodev|exec|suid|uid=\d+|gid=\d+)$/.test(p),
    );
    if (unusual.length) needPrivileged(walk, at, `tmpfs options ${unusual.join(",")} are not plain ones`);
  }
}

/** /dev/shm's size (0: the engine's 64 MiB). */
const shmSize: Rule = (value, field, walk) => {
  if (absent(value)) return;
  if (!isInt(value) || value < 0) return nonNegativeInt(value, field, walk);
  if (value > 0) memoryFs(walk, field, value, "a /dev/shm");
};

export const mountsRules = {
  Config: {
    Volumes: plain(
      (v) => isRecord(v) && Object.entries(v).every(([k, x]) => k.startsWith("/") && isEmpty(x)),
      'anonymous volumes like {"/data": {}}',
    ),
  },
  HostConfig: {
    Mounts: list(mountsEntry),
    Binds: list(bindsEntry),
    Tmpfs: tmpfsMap,
    ShmSize: shmSize,
    ReadonlyRootfs: bool,
    VolumeDriver: plainWhen(oneOf("", "local"), (v) => `the volume driver ${describe(v)} (only local is plain)`),
  },
  ContainerSpec: { Mounts: list(mountsEntry), ReadOnly: bool },
} satisfies Record<string, Rules>;
