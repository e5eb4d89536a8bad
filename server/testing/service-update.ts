// A raw service update as a test sends it straight to an engine: read the service, change its
// spec, send it for the version read. The swarm may bump a new service's version on its own
// (allocating its endpoint) between the read and the send, and refuses the send as "update out
// of sequence": read again and resend then, as services.update does (server/modules/swarm).
import type Docker from "dockerode";

type Spec = Record<string, unknown>;

export async function updateServiceRaw(
  docker: Docker,
  id: string,
  change: (spec: Spec) => Spec,
  attempts = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const service = docker.getService(id);
    const current = (await service.inspect()) as { Spec: Spec; Version: { Index: number } };
    try {
      await service.update({ ...change(current.Spec), version: current.Version.Index });
      return;
    } catch (error) {
      if (attempt >= attempts || !/out of sequence/i.test((error as Error).message)) throw error;
    }
  }
}
