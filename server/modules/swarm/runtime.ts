// What the swarm module keeps running beside the fleet: the rollout tracker (every rollout's
// outcome on the record) and the task pulse (fast task reads while pages watch). One per
// server, made on first use (or at start, so rollouts started from a CLI are recorded before
// anyone opens a page) and stopped with the fleet.
import type { Fleet } from "../../docker/index";
import { TaskPulse } from "./pulse";
import { RolloutTracker, type AuditSink } from "./tracker";

export interface SwarmRuntime {
  tracker: RolloutTracker;
  pulse: TaskPulse;
  stop(): void;
}

const runtimes = new WeakMap<Fleet, SwarmRuntime>();

export function swarmRuntime(services: { fleet: Fleet; audit: AuditSink }): SwarmRuntime {
  let runtime = runtimes.get(services.fleet);
  if (!runtime) {
    const tracker = new RolloutTracker(services.fleet, services.audit);
    const pulse = new TaskPulse(services.fleet);
    tracker.start();
    runtime = {
      tracker,
      pulse,
      stop: () => {
        tracker.stop();
        pulse.stop();
        runtimes.delete(services.fleet);
      },
    };
    runtimes.set(services.fleet, runtime);
  }
  return runtime;
}
