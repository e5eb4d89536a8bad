// Intents left open by a crash (the server stopped between writing an event and learning
// its outcome) are completed at the next start as "interrupted", never left dangling. When
// the event names an object on an environment, `observe` looks at it now (the engine's state
// of that container, say) and the event says what was found.
import type { PrismaClient } from "../generated/prisma/client";
import type { AuditWriter } from "./writer";

/** What the target looks like now, in words ("the container is running"), or null. */
export type Observe = (environmentId: string, targetKind: string, targetId: string) => Promise<string | null>;

const OBSERVE_AT_ONCE = 16;

export async function reconcileOpenIntents(
  prisma: PrismaClient,
  writer: AuditWriter,
  observe?: Observe,
): Promise<number> {
  const open = await prisma.auditEvent.findMany({
    where: { outcome: "pending", chainSeq: null },
    orderBy: { time: "asc" },
    select: { id: true, environmentId: true, targetKind: true, targetId: true },
  });
  // The engines are asked a few at a time, not one after another: many open intents on a dead
  // host must cost about one deadline at start, not one per intent.
  let next = 0;
  const worker = async () => {
    while (next < open.length) {
      const event = open[next++]!;
      let found: string | null = null;
      if (observe && event.environmentId && event.targetKind && event.targetId) {
        found = await observe(event.environmentId, event.targetKind, event.targetId).catch(
          (error: unknown) =>
            `its environment could not be asked (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      await writer.complete(event.id, {
        outcome: "interrupted",
        error:
          "Stevedore stopped before this action's outcome was known." + (found ? ` At the next start, ${found}.` : ""),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(OBSERVE_AT_ONCE, open.length) }, worker));
  return open.length;
}
