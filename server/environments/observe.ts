// What an interrupted action's target looks like now, for the audit trail's reconciliation.
import type { Observe } from "../audit/reconcile";
import { DockerNotFoundError, type Fleet } from "../docker/index";

export function observeWithFleet(fleet: Fleet): Observe {
  return async (environmentId, targetKind, targetId) => {
    if (targetKind !== "container" || !fleet.has(environmentId)) return null;
    try {
      const state = await fleet.call(environmentId, "container inspect", async (docker) => {
        const info = await docker.getContainer(targetId).inspect();
        return `${info.State.Status}${info.State.Paused ? " (paused)" : ""}`;
      });
      return `the container was ${state}`;
    } catch (error) {
      if (error instanceof DockerNotFoundError) return "the container no longer existed";
      throw error;
    }
  };
}
