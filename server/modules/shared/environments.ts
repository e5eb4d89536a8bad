// Environments as a person reads them: by name.
import type { Fleet } from "../../docker/index";

export function environmentName(fleet: Fleet, environmentId: string): string {
  return fleet.status(environmentId)?.name ?? environmentId;
}
