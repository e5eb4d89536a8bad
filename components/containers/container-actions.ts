// What each row action is called, which permission it needs, when it makes sense, and
// whether it must be confirmed: one table instead of a switch in the menu.
import type { TRPCClient } from "@trpc/client";
import type { Permission } from "@/server/rbac/catalogue";
import type { AppRouter } from "@/server/transport/trpc/root";

type ContainersClient = TRPCClient<AppRouter>["containers"];

export type ContainerActionName = "start" | "stop" | "restart" | "pause" | "unpause" | "kill" | "remove";

export interface ActionSpec {
  name: ContainerActionName;
  label: string;
  /** past tense, for "Restarted web" */
  done: string;
  permission: Permission;
  /** states in which the action is offered */
  when: (state: string) => boolean;
  /** destructive or disruptive: asked again, with what it does */
  confirm?: string;
}

const running = (s: string) => s === "running" || s === "restarting";

export const ACTIONS: ActionSpec[] = [
  {
    name: "start",
    label: "Start",
    done: "Started",
    permission: "container.lifecycle",
    when: (s) => s === "exited" || s === "created" || s === "dead",
  },
  {
    name: "stop",
    label: "Stop",
    done: "Stopped",
    permission: "container.lifecycle",
    when: running,
    confirm: "The main process gets SIGTERM, then SIGKILL after 10 seconds. Whatever it serves goes away.",
  },
  {
    name: "restart",
    label: "Restart",
    done: "Restarted",
    permission: "container.lifecycle",
    when: (s) => s !== "paused" && s !== "removing",
    confirm:
      "The container is stopped (SIGTERM, then SIGKILL after 10 seconds) and started again. Open connections and consoles to it are cut.",
  },
  { name: "pause", label: "Pause", done: "Paused", permission: "container.lifecycle", when: (s) => s === "running" },
  { name: "unpause", label: "Resume", done: "Resumed", permission: "container.lifecycle", when: (s) => s === "paused" },
  {
    name: "kill",
    label: "Kill",
    done: "Killed",
    permission: "container.lifecycle",
    when: running,
    confirm: "The main process gets SIGKILL at once, with no chance to clean up.",
  },
  {
    name: "remove",
    label: "Remove",
    done: "Removed",
    permission: "container.delete",
    when: (s) => s !== "removing",
    confirm: "The container and its writable layer are deleted (a running one is killed first). Named volumes stay.",
  },
];

/** The tRPC call behind each action; remove is forced (a running container is killed first). */
export function callContainerAction(
  containers: ContainersClient,
  target: { environmentId: string; id: string },
  action: ActionSpec,
): Promise<{ ok: true; cli: string }> {
  switch (action.name) {
    case "remove":
      return containers.remove.mutate({ ...target, force: true });
    case "start":
      return containers.start.mutate(target);
    case "stop":
      return containers.stop.mutate(target);
    case "restart":
      return containers.restart.mutate(target);
    case "pause":
      return containers.pause.mutate(target);
    case "unpause":
      return containers.unpause.mutate(target);
    case "kill":
      return containers.kill.mutate(target);
  }
}
