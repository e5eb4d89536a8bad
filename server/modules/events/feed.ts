// An engine event as the feed shows it, and who may see it: each kind needs the read
// permission of what it is about on that environment (a container event needs container.read),
// engine-wide ones need environment.read. Names come from the event or the live picture; the
// command of an exec never leaves the server (it may carry a secret).
import type { Fleet, LoggedEngineEvent } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import type { FeedEvent } from "./contract";

const readPermissionOf: Record<string, Permission> = {
  container: "container.read",
  image: "image.read",
  volume: "volume.read",
  network: "network.read",
  service: "service.read",
  node: "node.read",
  secret: "secret.read",
  config: "config.read",
};

export function permissionToSee(type: string): Permission {
  return readPermissionOf[type] ?? "environment.read";
}

const short = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);

/** The action without what follows the colon of exec events (`exec_start: sh -c …`). */
export function actionWords(action: string): string {
  return action.startsWith("exec_") ? (action.split(":")[0] ?? action) : action;
}

const KEPT_ATTRIBUTES = [
  "image",
  "exitCode",
  "signal",
  "driver",
  "type",
  "com.docker.compose.project",
  "com.docker.stack.namespace",
];

export function feedEventOf(
  fleet: Fleet,
  logged: LoggedEngineEvent,
  /** whether the caller may read containers there: only then does a network or volume event name one */
  mayReadContainers = false,
): FeedEvent {
  const { raw, environmentId } = logged;
  const type = raw.Type ?? "unknown";
  const id = raw.Actor?.ID ?? "";
  const attributes = raw.Actor?.Attributes ?? {};
  const containerName = (containerId: string | undefined) => {
    if (!containerId) return undefined;
    const known = fleet.picture.get(environmentId, "containers", containerId) as { name?: string } | undefined;
    return known?.name ?? short(containerId);
  };
  let name: string;
  switch (type) {
    case "container":
      name = attributes.name ?? containerName(id) ?? short(id);
      break;
    case "image":
      name = attributes.name ?? (id.startsWith("sha256:") ? short(id) : id);
      break;
    case "volume":
      name = id;
      break;
    default:
      name = attributes.name ?? short(id);
  }
  const details: Record<string, string> = {};
  for (const key of KEPT_ATTRIBUTES) {
    const value = attributes[key];
    if (typeof value === "string" && value) details[key] = value.slice(0, 256);
  }
  // Network and volume events about a container name it by its id: say its name.
  const about =
    (type === "network" || type === "volume") && mayReadContainers ? containerName(attributes.container) : undefined;
  if (about) details.container = about;
  return {
    environmentId,
    seq: logged.seq,
    time: logged.time,
    type,
    action: actionWords(raw.Action ?? ""),
    name: name.slice(0, 256),
    id: id && id !== name ? id.slice(0, 128) : null,
    details,
  };
}
