// Names at the time of the event: environments and containers are renamed, and ids alone do
// not say what someone acted on a year later. Looked up in the fleet's memory (no engine or
// database call), so writing an event never waits for them; whatever is not known stays empty.
import type { Fleet } from "../docker/index";
import type { AuditEntry } from "./entry";

export type NameLookup = (entry: AuditEntry) => Pick<AuditEntry, "environmentName" | "targetName">;

export function fleetNames(fleet: Fleet): NameLookup {
  return (entry) => {
    const environmentId = entry.environmentId;
    if (!environmentId) return {};
    const environmentName = fleet.status(environmentId)?.name ?? null;
    let targetName: string | null = null;
    if (entry.targetKind === "container" && entry.targetId) {
      const ref = entry.targetId.replace(/^\//, "");
      const exact = fleet.picture.get(environmentId, "containers", ref);
      const found =
        exact ??
        fleet.picture
          .list(environmentId, "containers")
          ?.find((c) => c.name === ref || (ref.length >= 12 && c.id.startsWith(ref)));
      targetName = found?.name ?? null;
    }
    return { environmentName, targetName };
  };
}
