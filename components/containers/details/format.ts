// Small formatters shared by the container details pages.

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? "—" : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPercent(value: number | null): string {
  if (value === null) return "—";
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} %`;
}

/** `ls -l` style: drwxr-xr-x. */
export function modeString(type: string, mode: number): string {
  const kind = type === "directory" ? "d" : type === "symlink" ? "l" : type === "other" ? "?" : "-";
  const bit = (mask: number, ch: string) => (mode & mask ? ch : "-");
  let s =
    bit(0o400, "r") +
    bit(0o200, "w") +
    bit(0o100, "x") +
    bit(0o040, "r") +
    bit(0o020, "w") +
    bit(0o010, "x") +
    bit(0o004, "r") +
    bit(0o002, "w") +
    bit(0o001, "x");
  const chars = s.split("");
  if (mode & 0o4000) chars[2] = chars[2] === "x" ? "s" : "S";
  if (mode & 0o2000) chars[5] = chars[5] === "x" ? "s" : "S";
  if (mode & 0o1000) chars[8] = chars[8] === "x" ? "t" : "T";
  s = chars.join("");
  return kind + s;
}

/** The engine writes 0001-01-01T00:00:00Z for "never". */
export function engineTime(value: string | undefined | null): string | null {
  if (!value || value.startsWith("0001-")) return null;
  return value;
}

/** Where a container's details live; tab is "" for the overview. */
export function detailsHref(environmentId: string, containerId: string, tab = ""): string {
  const base = `/containers/${encodeURIComponent(environmentId)}/${encodeURIComponent(containerId)}`;
  return tab ? `${base}/${tab}` : base;
}
