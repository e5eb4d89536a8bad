// One environment's volumes: inspect (driver options with secret-looking values masked, the
// containers using it), create (host access judged by the workload policy), remove (refused
// while containers use it, naming them), prune after a preview, sizes where the engine
// reports them.
import type { Fleet } from "../../docker/index";
import { isSecretVariable, looksSecretValue } from "../../audit/redact";
import { DockerConflictError, DockerNotFoundError } from "../../docker/index";
import { fetchResources } from "../../docker/resources";
import type { EffectivePermissions } from "../../rbac/permissions";
import { diskUsage } from "../images/prune";
import { InUseError, ResourceConflictError, ResourceNotFoundError } from "../shared/errors";
import { checkVolumeCreate } from "./policy";

import { MASKED } from "../../audit/mask";

export { MASKED };

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter(([, x]) => typeof x === "string")) as Record<string, string>;

/**
 * Driver options as a page may see them: values under secret-looking keys or holding a credential
 * (a password in a URL, a token), and such key=value parts of `o`, masked.
 */
export function maskOptions(options: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => {
      if (isSecretVariable(key, value)) return [key, MASKED];
      const masked = value
        .split(",")
        .map((part) => {
          const eq = part.indexOf("=");
          if (eq < 0) return looksSecretValue(part) ? MASKED : part;
          return isSecretVariable(part.slice(0, eq), part.slice(eq + 1)) ? `${part.slice(0, eq + 1)}${MASKED}` : part;
        })
        .join(",");
      return [key, masked];
    }),
  );
}

export interface VolumeUser {
  id: string;
  name: string;
  state: string;
}

/** The containers mounting a volume, read from the engine (the picture may lag an event). */
export async function volumeUsers(fleet: Fleet, environmentId: string, name: string): Promise<VolumeUser[]> {
  const containers = await fleet.call(
    environmentId,
    "containers.list",
    (docker) => fetchResources(docker, "containers"),
    {
      key: "containers:all",
    },
  );
  return containers
    .filter((c) => c.volumes.includes(name))
    .map((c) => ({ id: c.id, name: c.name, state: c.state }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface VolumeDetail {
  name: string;
  driver: string;
  scope: string;
  mountpoint: string;
  createdAt: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** the driver's own status, if it reports one */
  status: Record<string, string>;
  users: VolumeUser[];
}

/** The engine's view of a volume (options unmasked: for the policy, never for a page). */
export async function inspectVolumeRaw(fleet: Fleet, environmentId: string, name: string) {
  try {
    const info = rec(
      await fleet.call(
        environmentId,
        "volume inspect",
        (docker) => docker.getVolume(name).inspect() as Promise<unknown>,
      ),
    );
    return { driver: str(info.Driver), options: strMap(info.Options), info };
  } catch (error) {
    if (error instanceof DockerNotFoundError)
      throw new ResourceNotFoundError(`There is no volume ${name} on this environment.`);
    throw error;
  }
}

export async function volumeDetail(fleet: Fleet, environmentId: string, name: string): Promise<VolumeDetail> {
  const [{ info, options }, users] = await Promise.all([
    inspectVolumeRaw(fleet, environmentId, name),
    volumeUsers(fleet, environmentId, name),
  ]);
  return {
    name: str(info.Name),
    driver: str(info.Driver),
    scope: str(info.Scope),
    mountpoint: str(info.Mountpoint),
    createdAt: str(info.CreatedAt),
    labels: strMap(info.Labels),
    options: maskOptions(options),
    status: Object.fromEntries(
      Object.entries(rec(info.Status)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
    users,
  };
}

export async function createVolume(
  fleet: Fleet,
  permissions: EffectivePermissions,
  environmentId: string,
  input: { name?: string; driver: string; options: Record<string, string>; labels: Record<string, string> },
  socketPaths: readonly string[],
): Promise<{ name: string; driver: string }> {
  checkVolumeCreate(permissions, environmentId, input, socketPaths);
  if (input.name) {
    // The engine answers an existing name with that volume, as if it were new: say so instead.
    const exists = await fleet
      .call(environmentId, "volume inspect", (docker) => docker.getVolume(input.name!).inspect())
      .then(() => true)
      .catch((error: unknown) => {
        if (error instanceof DockerNotFoundError) return false;
        throw error;
      });
    if (exists) throw new ResourceConflictError(`A volume named ${input.name} exists on this environment already.`);
  }
  const created = rec(
    await fleet.call(
      environmentId,
      "volume create",
      (docker) =>
        docker.createVolume({
          ...(input.name ? { Name: input.name } : {}),
          Driver: input.driver,
          DriverOpts: input.options,
          Labels: input.labels,
        }) as Promise<unknown>,
      { deadlineMs: 30_000 },
    ),
  );
  // dockerode answers with its Volume handle (`name`), not the engine's body (`Name`).
  return { name: str(created.name) || str(created.Name) || input.name || "", driver: input.driver };
}

export async function removeVolume(fleet: Fleet, environmentId: string, name: string): Promise<void> {
  const users = await volumeUsers(fleet, environmentId, name);
  const refuse = (found: VolumeUser[]) =>
    new InUseError(
      `The volume ${name}`,
      found.map((u) => `container ${u.name} (${u.state})`),
      "Remove those containers first (removing a container never removes a named volume).",
    );
  if (users.length) throw refuse(users);
  try {
    await fleet.call(environmentId, "volume remove", (docker) => docker.getVolume(name).remove() as Promise<unknown>);
  } catch (error) {
    if (error instanceof DockerNotFoundError)
      throw new ResourceNotFoundError(`There is no volume ${name} on this environment.`);
    // A container came between the check and the removal.
    if (error instanceof DockerConflictError) throw refuse(await volumeUsers(fleet, environmentId, name));
    throw error;
  }
}

export interface VolumeSize {
  name: string;
  /** bytes, or null where the engine does not say (other drivers, or not computed) */
  size: number | null;
  /** containers referencing it, per the engine */
  refCount: number | null;
}

/** Sizes as `docker system df -v` reports them. */
export async function volumeSizes(fleet: Fleet, environmentId: string): Promise<VolumeSize[]> {
  const df = await diskUsage(fleet, environmentId);
  return list(df.Volumes)
    .map(rec)
    .map((v) => ({
      name: str(v.Name),
      size: num(rec(v.UsageData).Size),
      refCount: num(rec(v.UsageData).RefCount),
    }));
}

export interface VolumePrunePreview {
  /** whether this engine prunes named volumes too (API before 1.42, or `all`) */
  includesNamed: boolean;
  volumes: Array<{ name: string; driver: string; size: number | null; anonymous: boolean }>;
  bytes: number;
}

export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

/** API versions as numbers: "1.41" → 1.41. */
export function apiAtLeast(version: string | undefined, wanted: number): boolean {
  return Number(version ?? "0") >= wanted;
}

/**
 * What the engine's prune would remove now: local volumes no container references; from API
 * 1.42 only anonymous ones unless `all`.
 */
export async function previewVolumePrune(
  fleet: Fleet,
  environmentId: string,
  all: boolean,
): Promise<VolumePrunePreview> {
  const includesNamed = all || !apiAtLeast(fleet.status(environmentId)?.engine?.apiVersion, 1.42);
  const df = await diskUsage(fleet, environmentId);
  const volumes = list(df.Volumes)
    .map(rec)
    .filter((v) => str(v.Driver) === "local" && num(rec(v.UsageData).RefCount) === 0)
    .map((v) => ({
      name: str(v.Name),
      driver: str(v.Driver),
      size: num(rec(v.UsageData).Size),
      // As the engine tells them apart (API 1.42 on): by this label, not by the name.
      anonymous: Object.hasOwn(rec(v.Labels), ANONYMOUS_LABEL),
    }))
    .filter((v) => includesNamed || v.anonymous)
    .sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  return { includesNamed, volumes, bytes: volumes.reduce((sum, v) => sum + (v.size ?? 0), 0) };
}

export async function pruneVolumes(
  fleet: Fleet,
  environmentId: string,
  all: boolean,
): Promise<{ deleted: string[]; bytesFreed: number }> {
  const newer = apiAtLeast(fleet.status(environmentId)?.engine?.apiVersion, 1.42);
  const answer = rec(
    await fleet.call(
      environmentId,
      "volume prune",
      (docker) =>
        docker.pruneVolumes(newer && all ? { filters: JSON.stringify({ all: ["true"] }) } : {}) as Promise<unknown>,
      { deadlineMs: 120_000 },
    ),
  );
  return {
    deleted: list(answer.VolumesDeleted).filter((v): v is string => typeof v === "string"),
    bytesFreed: num(answer.SpaceReclaimed) ?? 0,
  };
}
