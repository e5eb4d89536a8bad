// Environments as a person reads them: by name.
import type { Fleet } from "../../docker/index";

export function environmentName(fleet: Fleet, environmentId: string): string {
  return fleet.status(environmentId)?.name ?? environmentId;
}

/** The host paths of sockets that control this environment's engine (its own unix endpoint), for the policy. */
export async function engineSocketPaths(
  prisma: {
    environment: {
      findUnique(args: { where: { id: string }; select: { url: true } }): Promise<{ url: string } | null>;
    };
  },
  environmentId: string,
): Promise<string[]> {
  const row = await prisma.environment.findUnique({ where: { id: environmentId }, select: { url: true } });
  return row?.url.startsWith("unix://") ? [row.url.slice("unix://".length)] : [];
}
