// A cluster's live changes, each once: the picture events of the manager whose picture serves
// the cluster's lists (every manager's picture holds the same swarm, so the others' events are
// the same changes again), and a "resync" whenever that source changes or goes cold, so that a
// page reads its lists again instead of mixing two managers' views.
import type { Fleet, PictureChange, PictureEvent } from "../../docker/index";
import { clusterById } from "./cluster";
import { pictureSource } from "./view";

export type SwarmChange =
  | { type: "changes"; events: PictureChange[] }
  | { type: "resync"; reason: string }
  /** an environment of the cluster changed state (up, down, role): overview figures may have moved */
  | { type: "status"; environmentId: string };

const SWARM_KINDS = new Set(["nodes", "services", "tasks"]);

export function followCluster(fleet: Fleet, clusterId: string, push: (change: SwarmChange) => void): () => void {
  let source: string | undefined;
  const currentSource = () => {
    const cluster = clusterById(fleet, clusterId);
    return cluster ? pictureSource(fleet, cluster)?.environmentId : undefined;
  };
  source = currentSource();
  const check = (reason: string) => {
    const now = currentSource();
    if (now !== source) {
      source = now;
      push({ type: "resync", reason });
      return true;
    }
    return false;
  };
  const offPicture = fleet.subscribe((events: PictureEvent[]) => {
    if (events.some((e) => !("kind" in e) && e.environmentId === source)) {
      if (!check("the serving manager's picture went cold"))
        push({ type: "resync", reason: "the picture was read again" });
      return;
    }
    if (check("another manager serves the lists now")) return;
    const mine = events.filter(
      (e): e is PictureChange => "kind" in e && e.environmentId === source && SWARM_KINDS.has(e.kind),
    );
    if (mine.length) push({ type: "changes", events: mine });
  });
  const offStatus = fleet.onStatus((status) => {
    const cluster = clusterById(fleet, clusterId);
    const member =
      cluster && [...cluster.managers, ...cluster.workers].some((m) => m.environmentId === status.environmentId);
    if (!member && status.swarm?.clusterId !== clusterId) return;
    if (!check("a manager's state changed")) push({ type: "status", environmentId: status.environmentId });
  });
  return () => {
    offPicture();
    offStatus();
  };
}
