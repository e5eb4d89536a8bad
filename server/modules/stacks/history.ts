// Every deploy keeps the compose file as deployed, with who and when: a stack's history, what
// a version holds, and what redeploying it needs. Config files are kept as they were (configs
// are readable); env files and the interpolation variables are sealed (they often hold
// passwords); secret files are never kept, only their digest (secret data is write-only).
import { createHash } from "node:crypto";
import type { SecretBox } from "../../crypto/secret-box";
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { isSecretVariable } from "../../audit/redact";

export type StackFileKind = "config" | "secret" | "env" | "other";

/** A file given with a compose file: its path relative to the compose file, and its bytes. */
export interface StackFile {
  path: string;
  data: Uint8Array;
}

/** How a file is kept: config data in the clear, env files sealed with the variables, secrets by digest only. */
export interface KeptFile {
  path: string;
  kind: StackFileKind;
  sha256: string;
  size: number;
  /** base64, config and other files only */
  data?: string;
}

interface SealedPart {
  environment: Record<string, string>;
  /** env files, path -> base64 */
  envFiles: Record<string, string>;
}

export type VersionSource = "deploy" | "redeploy" | "adopt";
export type VersionOutcome = "deploying" | "converged" | "failed" | "error" | "timeout" | "adopted";

export interface VersionSummary {
  id: string;
  version: number;
  source: VersionSource;
  fromVersion: number | null;
  prune: boolean;
  deployedBy: string;
  deployedAt: string;
  outcome: VersionOutcome;
  message: string | null;
  finishedAt: string | null;
  sha256: string;
  files: { path: string; kind: StackFileKind }[];
  variables: string[];
}

export interface VersionDetail extends VersionSummary {
  composeFile: string;
  /**
   * config (and other) files with their text; secret and env files by name only. A config
   * file's text is withheld from a caller without config.data.read, as the config's own data is.
   */
  files: Array<{ path: string; kind: StackFileKind; text?: string; binary?: boolean; withheld?: "config.data.read" }>;
  /** the variables; a secret-looking value is not given back (`kept`: redeploying reuses it) */
  environment: Array<{ name: string; value?: string; kept: boolean }>;
}

export const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

export function keepFiles(
  files: readonly StackFile[],
  kindOf: (path: string) => StackFileKind,
): {
  kept: KeptFile[];
  envFiles: Record<string, string>;
} {
  const kept: KeptFile[] = [];
  const envFiles: Record<string, string> = {};
  for (const file of files) {
    const kind = kindOf(file.path);
    const base: KeptFile = { path: file.path, kind, sha256: sha256(file.data), size: file.data.byteLength };
    if (kind === "env") envFiles[file.path] = Buffer.from(file.data).toString("base64");
    if (kind === "config" || kind === "other") base.data = Buffer.from(file.data).toString("base64");
    kept.push(base);
  }
  return { kept, envFiles };
}

function summaryOf(
  row: {
    id: string;
    version: number;
    source: string;
    fromVersion: number | null;
    prune: boolean;
    deployedByName: string;
    deployedAt: Date;
    outcome: string;
    message: string | null;
    finishedAt: Date | null;
    composeFile: string;
    files: unknown;
    environment: string | null;
  },
  box: SecretBox,
): VersionSummary {
  const files = (Array.isArray(row.files) ? row.files : []) as KeptFile[];
  return {
    id: row.id,
    version: row.version,
    source: row.source as VersionSource,
    fromVersion: row.fromVersion,
    prune: row.prune,
    deployedBy: row.deployedByName,
    deployedAt: row.deployedAt.toISOString(),
    outcome: row.outcome as VersionOutcome,
    message: row.message,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    sha256: sha256(row.composeFile),
    files: files.map((f) => ({ path: f.path, kind: f.kind })),
    variables: Object.keys(openSealed(row.environment, box).environment),
  };
}

function openSealed(sealed: string | null, box: SecretBox): SealedPart {
  if (!sealed) return { environment: {}, envFiles: {} };
  try {
    const parsed = JSON.parse(box.open(sealed)) as Partial<SealedPart>;
    return { environment: parsed.environment ?? {}, envFiles: parsed.envFiles ?? {} };
  } catch {
    // sealed under another key (STEVEDORE_SECRET_KEY changed): the file is still there
    return { environment: {}, envFiles: {} };
  }
}

export interface RecordVersion {
  clusterId: string;
  stack: string;
  composeFile: string;
  files: readonly StackFile[];
  kindOf: (path: string) => StackFileKind;
  environment: Record<string, string>;
  source: VersionSource;
  fromVersion?: number;
  prune: boolean;
  environmentId: string;
  actor: { userId: string | null; username: string };
  outcome: VersionOutcome;
}

/** Writes the next version of a stack (1, 2, 3…). */
export async function recordVersion(
  prisma: PrismaClient,
  box: SecretBox,
  input: RecordVersion,
): Promise<VersionSummary> {
  const { kept, envFiles } = keepFiles(input.files, input.kindOf);
  const sealed =
    Object.keys(input.environment).length || Object.keys(envFiles).length
      ? box.seal(JSON.stringify({ environment: input.environment, envFiles } satisfies SealedPart))
      : null;
  for (let attempt = 0; ; attempt++) {
    const last = await prisma.stackVersion.findFirst({
      where: { clusterId: input.clusterId, stack: input.stack },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    try {
      const row = await prisma.stackVersion.create({
        data: {
          clusterId: input.clusterId,
          stack: input.stack,
          version: (last?.version ?? 0) + 1,
          composeFile: input.composeFile,
          files: kept as unknown as Prisma.InputJsonArray,
          environment: sealed,
          source: input.source,
          fromVersion: input.fromVersion ?? null,
          prune: input.prune,
          environmentId: input.environmentId,
          deployedById: input.actor.userId,
          deployedByName: input.actor.username,
          outcome: input.outcome,
          ...(input.outcome === "adopted" ? { finishedAt: new Date() } : {}),
        },
      });
      return summaryOf(row, box);
    } catch (error) {
      // two deploys of one stack at once through two servers: the second takes the next number
      if (attempt < 3 && (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
}

export async function finishVersion(
  prisma: PrismaClient,
  id: string,
  outcome: VersionOutcome,
  message: string | null,
): Promise<void> {
  await prisma.stackVersion.update({
    where: { id },
    data: { outcome, message: message?.slice(0, 4000) ?? null, finishedAt: new Date() },
  });
}

export async function listVersions(
  prisma: PrismaClient,
  box: SecretBox,
  clusterId: string,
  stack: string,
): Promise<VersionSummary[]> {
  const rows = await prisma.stackVersion.findMany({
    where: { clusterId, stack },
    orderBy: { version: "desc" },
    take: 500,
  });
  return rows.map((row) => summaryOf(row, box));
}

/** The newest version of each of these stacks, for the list. */
export async function latestVersions(
  prisma: PrismaClient,
  clusterIds: string[],
): Promise<Map<string, { version: number; deployedBy: string; deployedAt: string; outcome: string }>> {
  if (!clusterIds.length) return new Map();
  const rows = await prisma.stackVersion.findMany({
    where: { clusterId: { in: clusterIds } },
    orderBy: { version: "desc" },
    distinct: ["clusterId", "stack"],
    select: { clusterId: true, stack: true, version: true, deployedByName: true, deployedAt: true, outcome: true },
  });
  return new Map(
    rows.map((r) => [
      `${r.clusterId}/${r.stack}`,
      { version: r.version, deployedBy: r.deployedByName, deployedAt: r.deployedAt.toISOString(), outcome: r.outcome },
    ]),
  );
}

async function row(prisma: PrismaClient, clusterId: string, stack: string, version?: number) {
  return version === undefined
    ? prisma.stackVersion.findFirst({ where: { clusterId, stack }, orderBy: { version: "desc" } })
    : prisma.stackVersion.findUnique({ where: { clusterId_stack_version: { clusterId, stack, version } } });
}

function isText(data: Buffer): boolean {
  return !data.includes(0) && data.toString("utf8").indexOf("\uFFFD") < 0;
}

/** A version as a person may see it (no secret data, no secret-looking variable values). */
export async function getVersion(
  prisma: PrismaClient,
  box: SecretBox,
  clusterId: string,
  stack: string,
  version?: number,
): Promise<VersionDetail | null> {
  const found = await row(prisma, clusterId, stack, version);
  if (!found) return null;
  const summary = summaryOf(found, box);
  const kept = (Array.isArray(found.files) ? found.files : []) as unknown as KeptFile[];
  const sealed = openSealed(found.environment, box);
  return {
    ...summary,
    composeFile: found.composeFile,
    files: kept.map((f) => {
      if (f.data === undefined) return { path: f.path, kind: f.kind };
      const data = Buffer.from(f.data, "base64");
      return isText(data)
        ? { path: f.path, kind: f.kind, text: data.toString("utf8") }
        : { path: f.path, kind: f.kind, binary: true };
    }),
    environment: Object.entries(sealed.environment).map(([name, value]) =>
      isSecretVariable(name, value) ? { name, kept: true } : { name, value, kept: true },
    ),
  };
}

/** What a redeploy of a kept version needs: the file, config and env files, the variables. */
export async function versionForRedeploy(
  prisma: PrismaClient,
  box: SecretBox,
  clusterId: string,
  stack: string,
  version?: number,
): Promise<{
  version: number;
  composeFile: string;
  files: StackFile[];
  secretFiles: string[];
  environment: Record<string, string>;
  prune: boolean;
} | null> {
  const found = await row(prisma, clusterId, stack, version);
  if (!found) return null;
  const kept = (Array.isArray(found.files) ? found.files : []) as unknown as KeptFile[];
  const sealed = openSealed(found.environment, box);
  const files: StackFile[] = [];
  for (const f of kept) {
    if (f.data !== undefined) files.push({ path: f.path, data: Buffer.from(f.data, "base64") });
    else if (f.kind === "env" && sealed.envFiles[f.path] !== undefined) {
      files.push({ path: f.path, data: Buffer.from(sealed.envFiles[f.path]!, "base64") });
    }
  }
  return {
    version: found.version,
    composeFile: found.composeFile,
    files,
    secretFiles: kept.filter((f) => f.kind === "secret").map((f) => f.path),
    environment: sealed.environment,
    prune: found.prune,
  };
}
