// Names at the time of the event: environments and containers are renamed, and ids alone do
// not say what someone acted on a year later. Looked up in the fleet's memory (no engine or
// database call), so writing an event never waits for them; whatever is not known stays empty.
import type { Fleet } from "../docker/index";
import type { AuditEntry } from "./entry";

export type NameLookup = (entry: AuditEntry) => Pick<AuditEntry, "environmentName" | "targetName">;

/** A container's and its environment's names as the fleet knows them now (null where it does not). */
export function containerNames(
  fleet: Fleet,
  environmentId: string,
  containerRef: string,
): { environmentName: string | null; containerName: string | null } {
  const environmentName = fleet.status(environmentId)?.name ?? null;
  const ref = containerRef.replace(/^\//, "");
  const found =
    fleet.picture.get(environmentId, "containers", ref) ??
    fleet.picture
      .list(environmentId, "containers")
      ?.find((c) => c.name === ref || (ref.length >= 12 && c.id.startsWith(ref)));
  return { environmentName, containerName: found?.name ?? null };
}

export function fleetNames(fleet: Fleet): NameLookup {
  return (entry) => {
    const environmentId = entry.environmentId;
    if (!environmentId) return {};
    if (entry.targetKind === "container" && entry.targetId) {
      const names = containerNames(fleet, environmentId, entry.targetId);
      return { environmentName: names.environmentName, targetName: names.containerName };
    }
    return { environmentName: fleet.status(environmentId)?.name ?? null, targetName: null };
  };
}
