// The secrets' and configs' contract, shared by the server and the pages: inputs (zod), the
// `docker` line of each action, and the action table. Secrets and configs are the same kind of
// swarm object (a name, labels, data mounted into tasks as a file); they differ in who may read
// the data: a config's by those with config.data.read, a secret's by nobody, ever.
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import { dockerLine, repeated } from "../shared/cli";

export type SwarmObjectKind = "secret" | "config";

/** swarmkit's own limit for a secret's data (MaxSecretSize); configs are held to the same here. */
export const MAX_DATA_BYTES = 500 * 1024;

export const environmentId = z.string().min(1, "An environment id is required.").max(64);

/** A secret's or config's name as swarmkit allows it (it refuses the rest with a less helpful message). */
export const objectName = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/,
    "Use letters, digits, _ . and -, starting with a letter or digit, at most 64 characters.",
  );

const labelKey = z
  .string()
  .trim()
  .min(1, "A label key is required.")
  .max(128)
  .regex(/^[A-Za-z0-9_./-]+$/, "Use letters, digits and _ . / - in label keys.");
const labels = z
  .record(labelKey, z.string().max(4096, "Use at most 4096 characters in a label."))
  .refine((v) => Object.keys(v).length <= 64, "At most 64 labels.")
  .default({});

/** The data as typed (utf8) or as a file read in the browser (base64, so any bytes survive). */
const payload = {
  /** named `data` so that the audit redactor withholds it whatever the procedure records */
  data: z.string().max(Math.ceil((MAX_DATA_BYTES * 4) / 3) + 4, "The data is over 500 KiB."),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
};

export const objectTarget = z.object({ environmentId, name: objectName }).strict();

export const listInput = z
  .object({
    /** only the swarms these manager environments serve */
    environmentIds: z.array(environmentId).max(500).optional(),
  })
  .strict()
  .optional();

export const createInput = z.object({ environmentId, name: objectName, labels, ...payload }).strict();
export type CreateInput = z.output<typeof createInput>;

export const rotateInput = z
  .object({
    environmentId,
    name: objectName,
    /** the new version's name; by default `<name>-v2`, `-v3`... */
    newName: objectName.optional(),
    /** how long to wait for the tasks still using the old version to go before removing it */
    waitSeconds: z.number().int().min(0).max(300).default(120),
    ...payload,
  })
  .strict();
export type RotateInput = z.output<typeof rotateInput>;

/** The next version's name: `db_password` -> `db_password-v2`, `db_password-v2` -> `db_password-v3`. */
export function nextVersionName(name: string): string {
  const match = /^(.*)-v(\d{1,6})$/.exec(name);
  const next = match ? `${match[1]}-v${Number(match[2]) + 1}` : `${name}-v2`;
  return next.length <= 64 ? next : `${name.slice(0, 64 - 3)}-v2`;
}

export const objectCli = {
  /** the data is never on the line: it comes from a file (or stdin) */
  create: (env: string, kind: SwarmObjectKind, input: { name: string; labels: Record<string, string> }) =>
    dockerLine(env, [kind, "create", ...repeated("--label", input.labels), input.name, "./data-file"]),
  remove: (env: string, kind: SwarmObjectKind, name: string) => dockerLine(env, [kind, "rm", name]),
  /** what a rotation does, step by step, as the CLI would */
  rotate: (
    env: string,
    kind: SwarmObjectKind,
    step: { oldName: string; newName: string; labels: Record<string, string>; services: { name: string; target: string }[] },
  ) => [
    objectCli.create(env, kind, { name: step.newName, labels: step.labels }),
    ...step.services.map((s) =>
      dockerLine(env, [
        "service",
        "update",
        `--${kind}-rm`,
        step.oldName,
        `--${kind}-add`,
        `source=${step.newName},target=${s.target}`,
        s.name,
      ]),
    ),
    objectCli.remove(env, kind, step.oldName),
  ],
};

export const objectActions = {
  secret: {
    read: { permission: "secret.read" },
    create: { permission: "secret.write" },
    rotate: {
      permission: "secret.write",
      confirm:
        "A new version is created, every service using this secret is updated to mount it at the same place (its tasks restart), and the old one is removed once no task uses it.",
    },
    remove: { permission: "secret.write", confirm: "The secret is removed. There is no undo: its data cannot be read back." },
  },
  config: {
    read: { permission: "config.read" },
    /** the data itself, which may carry settings not meant for every reader of the list */
    readData: { permission: "config.data.read" },
    create: { permission: "config.write" },
    rotate: {
      permission: "config.write",
      confirm:
        "A new version is created, every service using this config is updated to mount it at the same place (its tasks restart), and the old one is removed once no task uses it.",
    },
    remove: { permission: "config.write", confirm: "The config is removed." },
  },
} as const satisfies Record<SwarmObjectKind, Record<string, { permission: Permission; confirm?: string }>>;

/** Rotating also updates services: the actor needs this too, on the same swarm. */
export const ROTATE_ALSO_NEEDS: Permission = "service.update";
