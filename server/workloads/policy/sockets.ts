// Which host paths hand a workload an engine's control socket: whoever holds one controls the
// whole host (it can start a privileged container, mount /, ...). Known sockets by path,
// folders that hold them, and anything named like a socket, for every engine a host may run
// (Docker, containerd, podman, CRI-O, cri-dockerd, BuildKit, k3s), system-wide or per user.
//
// Stevedore cannot look at the engine host's file system, so a socket is known by where it
// lives and what it is called; the environment's own endpoint is added as a fact.
import "server-only";
import type { Walk } from "./walk";

/** The sockets that control the whole host when reached from a container. */
export const ENGINE_SOCKETS = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock.ttrpc",
  "/var/run/docker/containerd/containerd.sock",
  "/run/docker/containerd/containerd.sock",
  "/run/podman/podman.sock",
  "/var/run/podman/podman.sock",
  "/run/crio/crio.sock",
  "/var/run/crio/crio.sock",
  "/run/cri-dockerd.sock",
  "/var/run/cri-dockerd.sock",
  "/run/buildkit/buildkitd.sock",
  "/run/k3s/containerd/containerd.sock",
  "/var/snap/docker/common/run/docker.sock",
] as const;

/**
 * Folders that hold engine sockets, whatever they are called inside: the engines' runtime
 * folders (containerd's shim sockets in /run/containerd/s/ have no extension), and each
 * user's runtime folder (/run/user/<uid>: rootless docker.sock, podman/podman.sock).
 */
const SOCKET_FOLDERS = [
  /^\/(var\/)?run\/(docker|containerd|podman|crio|buildkit|k3s)(\/|$)/,
  /^\/(var\/)?run\/user\/\d+(\/|$)/,
  /^\/var\/snap\/docker\/common\/run(\/|$)/,
];

/** Any path named like a socket: *.sock, *.sock.ttrpc (containerd), *.ttrpc. */
const SOCKET_NAME = /\.(sock|ttrpc)$/;

/** /a//b/./c/../d/ → /a/b/d (no filesystem access: symbolic links are the host's business). */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Does bind-mounting `hostPath` hand the container an engine's socket? A socket by name
 * (*.sock, *.ttrpc) or by place (a known one, or anything in an engine's or a user's runtime
 * folder), a folder above one (/, /var, /var/run, /run, /run/user, …), or /proc (every
 * process's root is under /proc/<pid>/root).
 */
export function exposesEngineSocket(hostPath: string, extraSockets: readonly string[] = []): boolean {
  const path = normalizeHostPath(hostPath);
  if (SOCKET_NAME.test(path)) return true;
  if (path === "/proc" || path.startsWith("/proc/")) return true;
  if (SOCKET_FOLDERS.some((folder) => folder.test(path))) return true;
  // /run/user itself holds every user's runtime folder.
  if (path === "/run/user" || path === "/var/run/user") return true;
  for (const socket of [...ENGINE_SOCKETS, ...extraSockets.map(normalizeHostPath)]) {
    if (path === socket || path === "/" || socket.startsWith(`${path}/`)) return true;
  }
  return false;
}

export function needSocket(walk: Walk, field: string, hostPath: string): void {
  walk.out.push({
    field,
    message: SOCKET_NAME.test(normalizeHostPath(hostPath))
      ? `${hostPath} is an engine's control socket: whoever holds it controls the whole host`
      : `${hostPath} holds an engine's control socket: whoever holds it controls the whole host`,
    permission: "container.create.docker-socket",
  });
}

/** Checks a host path for a socket, with the environment's own endpoint as a known one. */
export function checkSocket(walk: Walk, field: string, hostPath: string): void {
  if (exposesEngineSocket(hostPath, walk.facts.socketPaths)) needSocket(walk, field, hostPath);
}
