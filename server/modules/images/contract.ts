// The images' contract, shared by the server and the pages: inputs (zod), the `docker`
// command line of each action, and the action table (permission, confirmation).
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import { dockerLine } from "../shared/cli";
import { isReference, parseReference } from "./reference";

const IMAGE_ID = /^(sha256:)?[a-f0-9]{12,64}$/;

import { environmentId } from "../../core/refs";

/** The one schema of an environment ref (server/core/refs.ts). */
export { environmentId };

/** An image as the engine finds it: an id (sha256:…, or its first 12+ digits) or a reference. */
export const imageRef = z
  .string()
  .trim()
  .min(1, "Name an image.")
  .max(512)
  .refine((t) => IMAGE_ID.test(t) || isReference(t), "Not an image id or reference (name[:tag]).");

/** A reference to pull or push: name[:tag] or name@digest, on a registry or Docker Hub. */
export const imageReference = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    try {
      parseReference(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/** A name to give an image: name[:tag], no digest. */
export const tagReference = imageReference.refine((t) => !t.includes("@"), "A tag cannot carry a digest.");

export const operationId = z.uuid("An operation id is a UUID.");

export const imageTarget = z.object({ environmentId, image: imageRef }).strict();

export const pullInput = z
  .object({
    environmentId,
    image: imageReference,
    /** a saved registry whose credentials the engine uses (registry.use) */
    registryId: z.string().min(1).max(64).optional(),
    /** chosen by the page, so it can follow the pull before the call returns */
    operationId: operationId.optional(),
  })
  .strict();

export const pushInput = z
  .object({
    environmentId,
    image: tagReference,
    registryId: z.string().min(1).max(64).optional(),
    operationId: operationId.optional(),
  })
  .strict();

export const tagInput = z.object({ environmentId, image: imageRef, target: tagReference }).strict();

export const removeInput = z
  .object({
    environmentId,
    image: imageRef,
    /** also when containers use it, and every tag at once (docker image rm -f) */
    force: z.boolean().default(false),
  })
  .strict();

export const pruneInput = z
  .object({
    environmentId,
    /** every image no container uses (docker image prune -a), not only untagged ones */
    all: z.boolean().default(false),
  })
  .strict();

export const transfersInput = z
  .object({ environmentIds: z.array(environmentId).max(500).optional() })
  .strict()
  .optional();

export const imageCli = {
  pull: (env: string, reference: string) => dockerLine(env, ["image", "pull", reference]),
  push: (env: string, reference: string) => dockerLine(env, ["image", "push", reference]),
  tag: (env: string, source: string, target: string) => dockerLine(env, ["image", "tag", source, target]),
  remove: (env: string, names: readonly string[], force: boolean) =>
    dockerLine(env, ["image", "rm", force && "-f", ...names]),
  prune: (env: string, all: boolean) => dockerLine(env, ["image", "prune", "-f", all && "-a"]),
  save: (env: string, name: string, file: string) => dockerLine(env, ["image", "save", "-o", file, name]),
  load: (env: string, file: string) => dockerLine(env, ["image", "load", "-i", file]),
  import: (env: string, file: string, reference: string) => dockerLine(env, ["image", "import", file, reference]),
};

export const imageActions = {
  pull: { permission: "image.pull" },
  tag: { permission: "image.pull" },
  import: { permission: "image.pull" },
  push: { permission: "image.push" },
  remove: {
    permission: "image.delete",
    confirm: "The image and its tags are deleted from this environment; layers no other image uses go too.",
  },
  prune: {
    permission: "image.delete",
    confirm: "Every image listed goes from this environment; they can only come back by pulling or loading them again.",
  },
  export: { permission: "image.export" },
} as const satisfies Record<string, { permission: Permission; confirm?: string }>;

/** A file name for an image's tar: "busybox_latest.tar". */
export function tarNameFor(name: string): string {
  const base = name
    .replace(/^sha256:/, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .slice(0, 120);
  return `${base || "image"}.tar`;
}
