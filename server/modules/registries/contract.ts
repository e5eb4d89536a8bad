// The registries' contract, shared by the server and the pages: inputs (zod), what a saved
// registry looks like to a browser (never its password), and which permission each action
// needs. Managing registries is registry.manage (global); using one's credentials to pull or
// push, and browsing its repositories, is registry.use (per environment).
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";

export const registryName = z.string().trim().min(1, "A name is required.").max(64, "Use at most 64 characters.");

export const registryUrl = z
  .string()
  .trim()
  .min(1, "An address is required, e.g. registry.example.com or http://10.0.0.5:5000.")
  .max(512, "Use at most 512 characters.");

const username = z.string().trim().max(256, "Use at most 256 characters.");
/** The password or access token; never sent back. */
const secret = z.string().max(4096, "Use at most 4096 characters.");

export const registryId = z.string().min(1, "A registry id is required.").max(64);

export const createRegistryInput = z
  .object({
    name: registryName,
    url: registryUrl,
    username: username.optional(),
    password: secret.optional(),
    skipTlsVerify: z.boolean().default(false),
    /** Save even when the test fails (the registry is down for now, say). */
    saveUntested: z.boolean().default(false),
  })
  .strict();

export const updateRegistryInput = z
  .object({
    id: registryId,
    name: registryName.optional(),
    url: registryUrl.optional(),
    username: username.optional(),
    /** absent: keep the saved one */
    password: secret.optional(),
    /** forget the saved password (anonymous access) */
    clearPassword: z.boolean().optional(),
    skipTlsVerify: z.boolean().optional(),
    saveUntested: z.boolean().default(false),
  })
  .strict();

export const repositoriesInput = z
  .object({
    id: registryId,
    last: z.string().max(256).optional(),
    n: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** A repository path as the registry API takes it (lower case, parts joined by /). */
export const repositoryPath = z
  .string()
  .trim()
  .max(256)
  .regex(
    /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    "Not a repository name.",
  );

export const tagsInput = z.object({ id: registryId, repository: repositoryPath }).strict();

/** A saved registry as any page sees it: whether a password is saved, never the password. */
export interface RegistryView {
  id: string;
  name: string;
  url: string;
  /** host[:port], as image references name it */
  host: string;
  username: string | null;
  hasPassword: boolean;
  skipTlsVerify: boolean;
  authKind: string | null;
  lastTestedAt: string | null;
  lastTestError: string | null;
  createdAt: string;
  updatedAt: string;
}

export const registryActions = {
  list: { permission: "registry.manage" },
  usable: { permission: "registry.use" },
  create: { permission: "registry.manage" },
  update: { permission: "registry.manage" },
  remove: { permission: "registry.manage", confirm: "Pulls and pushes that name it will go without its credentials." },
  test: { permission: "registry.manage" },
  repositories: { permission: "registry.use" },
  tags: { permission: "registry.use" },
} as const satisfies Record<string, { permission: Permission; confirm?: string }>;
