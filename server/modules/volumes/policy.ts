// Host access through volumes, judged by the one workload policy (server/containers/policy.ts)
// as if a container mounted the volume: a local volume without options is plain; driver
// options (a bind of a host path, NFS, a device) or another driver reach the host and need
// container.create.privileged, and one that reaches an engine's socket
// container.create.docker-socket besides. Creating such a volume, and reading or writing the
// files of one, need what mounting it into a container would.
import { checkWorkload, describeViolations, DOCKER_SOCKET, PRIVILEGED, type Violation } from "../../containers/policy";
import { can, type EffectivePermissions } from "../../rbac/permissions";
import { ResourceForbiddenError } from "../shared/errors";

export function grantsOn(permissions: EffectivePermissions, environmentId: string) {
  return {
    privileged: can(permissions, PRIVILEGED, environmentId),
    dockerSocket: can(permissions, DOCKER_SOCKET, environmentId),
  };
}

function refuseIf(violations: Violation[], what: string): void {
  if (!violations.length) return;
  throw new ResourceForbiddenError(`${what}: ${describeViolations(violations)}`, [
    ...new Set(violations.map((v) => v.permission)),
  ]);
}

/** Creating a volume with this driver and options. */
export function checkVolumeCreate(
  permissions: EffectivePermissions,
  environmentId: string,
  volume: { driver: string; options: Record<string, string> },
  socketPaths: readonly string[] = [],
): void {
  const body = {
    HostConfig: {
      Mounts: [
        {
          Type: "volume",
          Source: "new-volume",
          Target: "/volume",
          VolumeOptions: { DriverConfig: { Name: volume.driver, Options: volume.options } },
        },
      ],
    },
  };
  refuseIf(
    checkWorkload({ kind: "create", body }, grantsOn(permissions, environmentId), { socketPaths }),
    "This volume would reach the host",
  );
}

/** Reading or writing the files of an existing volume (as the engine describes it). */
export function checkVolumeFiles(
  permissions: EffectivePermissions,
  environmentId: string,
  name: string,
  volume: { driver: string; options: Record<string, string> },
  socketPaths: readonly string[] = [],
): void {
  const body = { HostConfig: { Binds: [`${name}:/volume`] } };
  refuseIf(
    checkWorkload({ kind: "create", body }, grantsOn(permissions, environmentId), {
      socketPaths,
      volumes: { [name]: volume },
    }),
    "The files of this volume are on the host",
  );
}
