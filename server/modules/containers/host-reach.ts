// The existing-workload rule (server/workloads/reach.ts) at a tRPC door: FORBIDDEN with the
// rule's message when the actor may not go through that door into this container.
import { TRPCError } from "@trpc/server";
import type { Actor, Services } from "../../core/context";
import { factSources } from "../../workloads/facts";
import { judgeExistingWorkload, type WorkloadDoor } from "../../workloads/reach";

export async function refuseHostReach(
  ctx: { services: Services; actor: Actor },
  environmentId: string,
  containerId: string,
  door: WorkloadDoor,
): Promise<void> {
  const { refusal } = await judgeExistingWorkload(
    factSources(ctx.services),
    ctx.actor.permissions,
    environmentId,
    containerId,
    door,
  );
  if (refusal) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
}
