// Disk use per environment (docker system df) and the system prune, shared by the server and
// the pages: inputs, the `docker` line of each action, and the permission each needs.
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import { dockerLine } from "../shared/cli";

export const environmentId = z.string().min(1, "An environment id is required.").max(64);

export const usageInput = z.object({ environmentId }).strict();

/** `key` or `key=value`, as `docker system prune --filter label=…` takes it. */
export const labelFilter = z
  .string()
  .trim()
  .min(1, "A label filter needs a key.")
  .max(256, "A label filter is at most 256 characters.")
  .regex(/^[^=\s][^=]*(=.*)?$/, "A label filter is key or key=value.");

export const systemPruneInput = z
  .object({
    environmentId,
    /** every unused image, not only dangling ones (-a) */
    allImages: z.boolean().default(false),
    /** anonymous volumes no container uses too (--volumes) */
    volumes: z.boolean().default(false),
    /** only what carries every one of these labels (--filter label=…); build cache has none, so it stays */
    labels: z.array(labelFilter).max(10, "At most 10 label filters.").default([]),
  })
  .strict();
export type SystemPruneOptions = z.infer<typeof systemPruneInput>;

export const diskCli = {
  usage: (env: string) => dockerLine(env, ["system", "df"]),
  prune: (env: string, options: Pick<SystemPruneOptions, "allImages" | "volumes" | "labels">) =>
    dockerLine(env, [
      "system",
      "prune",
      "-f",
      options.allImages && "-a",
      options.volumes && "--volumes",
      ...options.labels.flatMap((l) => ["--filter", `label=${l}`]),
    ]),
};

export const diskActions = {
  usage: { permission: "environment.read" },
  prune: {
    permission: "system.prune",
    confirm: "Everything listed goes from this environment at once; none of it can be brought back.",
  },
} as const satisfies Record<string, { permission: Permission; confirm?: string }>;
