// The volumes' contract, shared by the server and the pages: inputs (zod), the `docker` line
// of each action, and the action table.
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import { dockerLine, repeated } from "../shared/cli";

import { environmentId } from "../../core/refs";

/** The one schema of an environment ref (server/core/refs.ts). */
export { environmentId };

/** A volume's name as the engine allows it (and safe in a request path). */
export const volumeName = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$/,
    "Use letters, digits, _ . and -, at least 2, starting with a letter or digit.",
  );

const key = z
  .string()
  .trim()
  .min(1, "A key is required.")
  .max(128)
  .regex(/^[A-Za-z0-9_./-]+$/, "Use letters, digits and _ . / - in keys.");
const value = z.string().max(4096, "Use at most 4096 characters.");

export const driverName = z
  .string()
  .trim()
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/, "Not a volume driver name.");

/** A path inside the volume: absolute, no NUL. */
export const volumePath = z
  .string()
  .max(4096)
  .refine((p) => p.startsWith("/") && !p.includes("\0"), "A path in the volume starts with /.");

export const volumeTarget = z.object({ environmentId, name: volumeName }).strict();

export const createVolumeInput = z
  .object({
    environmentId,
    /** empty: the engine names it (an anonymous volume) */
    name: volumeName.optional().or(z.literal("").transform(() => undefined)),
    driver: driverName.default("local"),
    options: z.record(key, value).default({}),
    labels: z.record(key, value).default({}),
  })
  .strict()
  .refine(
    (v) => Object.keys(v.options).length <= 64 && Object.keys(v.labels).length <= 128,
    "Too many options or labels.",
  );

export const removeVolumeInput = z.object({ environmentId, name: volumeName }).strict();

export const pruneVolumesInput = z
  .object({
    environmentId,
    /** engines from API 1.42 prune only anonymous volumes unless this is set; older ones prune all unused */
    all: z.boolean().default(false),
  })
  .strict();

export const usageInput = z
  .object({ environmentIds: z.array(environmentId).max(500).optional() })
  .strict()
  .optional();

export const filesInput = z.object({ environmentId, name: volumeName, path: volumePath.default("/") }).strict();

export const volumeCli = {
  create: (
    env: string,
    input: { name?: string; driver: string; options: Record<string, string>; labels: Record<string, string> },
  ) =>
    dockerLine(env, [
      "volume",
      "create",
      ...(input.driver && input.driver !== "local" ? ["--driver", input.driver] : []),
      ...repeated("--opt", input.options),
      ...repeated("--label", input.labels),
      input.name,
    ]),
  remove: (env: string, name: string) => dockerLine(env, ["volume", "rm", name]),
  prune: (env: string, all: boolean) => dockerLine(env, ["volume", "prune", "-f", all && "--all"]),
  /** what browsing does by hand: a container that is never started, then docker cp */
  copyOut: (env: string, name: string, path: string) =>
    dockerLine(env, [
      "run",
      "--rm",
      "-v",
      `${name}:/volume:ro`,
      "busybox",
      "tar",
      "-C",
      `/volume${path === "/" ? "" : path}`,
      "-c",
      ".",
    ]),
};

export const volumeActions = {
  create: { permission: "volume.create" },
  remove: {
    permission: "volume.delete",
    confirm: "The volume and every file in it are deleted. There is no undo.",
  },
  prune: {
    permission: "volume.delete",
    confirm: "Every volume listed is deleted with its files. There is no undo.",
  },
  browse: { permission: "volume.files.read" },
  download: { permission: "volume.files.read" },
  upload: { permission: "volume.files.write" },
} as const satisfies Record<string, { permission: Permission; confirm?: string }>;
