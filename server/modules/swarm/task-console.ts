// A console into a task is a console into its container, on the engine of the node it runs
// on: possible when that engine is an environment here, and the task is running. Otherwise
// the answer says why not, and what would make it possible.
import type { Fleet } from "../../docker/index";
import { environmentOfNode } from "./cluster";
import { SwarmNotFoundError, SwarmUnavailableError } from "./errors";
import { taskRows } from "./services";
import type { ClusterView } from "./view";

export interface TaskConsoleTarget {
  /** the environment of the task's node */
  environmentId: string;
  containerId: string;
  taskId: string;
  taskName: string;
  serviceId: string;
  node: string;
}

export function taskConsoleTarget(fleet: Fleet, view: ClusterView, taskId: string): TaskConsoleTarget {
  const task = taskRows(view).find((t) => t.id === taskId);
  if (!task) throw new SwarmNotFoundError(`This swarm has no task ${taskId}.`);
  const node = task.nodeHostname ?? task.nodeId;
  if (task.state !== "running" || !task.containerId) {
    throw new SwarmUnavailableError(
      `Task ${task.name} is ${task.state}, not running: a console needs a running container.`,
    );
  }
  const env = environmentOfNode(view.cluster, task.nodeId);
  if (!env) {
    throw new SwarmUnavailableError(
      `Task ${task.name} runs on ${node}, whose engine is not an environment in Stevedore: add that engine as an environment to open consoles in its tasks.`,
    );
  }
  if (env.state === "paused" || fleet.status(env.environmentId)?.state === "paused") {
    throw new SwarmUnavailableError(`Task ${task.name} runs on ${node}, whose environment ${env.name} is paused.`);
  }
  return {
    environmentId: env.environmentId,
    containerId: task.containerId,
    taskId: task.id,
    taskName: task.name,
    serviceId: task.serviceId,
    node,
  };
}
