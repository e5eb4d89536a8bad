// ssh:// environments pin their host's key. An environment saved after a connection test has
// the key it showed then; one saved untested pins the key its first connection sees, here.
import type { FleetOptions } from "../docker/index";
import type { PrismaClient } from "../generated/prisma/client";

/** The fleet's onHostKey: stores the key first seen, unless a key is pinned already. */
export function pinHostKeysAtFirstUse(prisma: PrismaClient): NonNullable<FleetOptions["onHostKey"]> {
  return (environmentId, hostKey) => {
    prisma.environment
      .updateMany({ where: { id: environmentId, sshHostKey: null }, data: { sshHostKey: hostKey.key } })
      .then(({ count }) => {
        if (count)
          console.log(`environment ${environmentId}: pinned its SSH host key ${hostKey.type} ${hostKey.fingerprint}`);
      })
      .catch((error: unknown) =>
        console.error(`environment ${environmentId}: could not store its SSH host key:`, error),
      );
  };
}
