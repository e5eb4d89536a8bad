// Input pieces every section's schema is built from, and the bounds on how much a workload
// spec may carry. Pure: the browser's forms check with the same pieces.
import { z } from "zod";
import { ENGINE_REF } from "../core/refs";

export const absolutePath = z
  .string()
  .trim()
  .min(1, "A path is required.")
  .max(4096)
  .regex(/^\//, "Use an absolute path (starting with /).");

export const CONTAINER_NAME = ENGINE_REF;
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
export const HOST_NAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}$/;

export const containerName = z
  .string()
  .trim()
  .regex(CONTAINER_NAME, "Use letters, digits, _ . and -, starting with a letter or digit.");
export const volumeName = z
  .string()
  .trim()
  .regex(VOLUME_NAME, "A volume name: letters, digits, _ . and - (a host path is a bind mount, under host access).");
export const networkName = z.string().trim().regex(NETWORK_NAME, "A network name: letters, digits, _ . and -.");
export const argv = z.array(z.string().max(16_384)).max(256);
export const port = z.number().int().min(1, "Ports run from 1 to 65535.").max(65535, "Ports run from 1 to 65535.");
export const ip = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9a-fA-F.:]+$/, "An IP address, like 127.0.0.1 or ::1.");
export const seconds = z
  .number()
  .min(0)
  .max(86_400 * 7);

/**
 * How much a spec may carry. Labels and variables travel with every list and inspect of the
 * workload (20 MiB of labels made every container list 20 MiB), so both are bounded in count
 * and in total size; the numbers leave room for any real use (traefik or compose label sets,
 * a certificate in a variable).
 */
export const SPEC_LIMITS = {
  labels: 256,
  labelKeyChars: 256,
  labelValueChars: 4096,
  labelBytes: 64 * 1024,
  env: 1000,
  envNameChars: 256,
  envValueChars: 65_536,
  envBytes: 256 * 1024,
} as const;

export const KiB = 1024;

/**
 * Memory-backed file systems (tmpfs mounts and /dev/shm) may hold at most this much together
 * without host access. Their pages are the host's memory: an unsized tmpfs may take half of
 * it, and `size=100%` or a petabyte all of it.
 */
export const MAX_PLAIN_MEMORY_FS_BYTES = 4 * 1024 ** 3;

/** "64 KiB", "256 KiB", "1.5 MiB" */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 4, "TiB"],
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Math.round((bytes / size) * 10) / 10} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** UTF-8 length of a string (what the engine stores), without TextEncoder allocations per call. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
