// Intents left open by a stop (the server ended between writing an event and learning its
// outcome) are completed as "interrupted", never left dangling. This runs in the background
// after the server is up, one event at a time through the writer's queue, so neither many
// open intents nor a database that is slow at the moment can stop the start. When the event
// names an object on an environment, `observe` looks at it now (the engine's state of that
// container, say) and the event says what was found. A console session's recording is
// digested as it was found, so later changes to it are still caught.
import type { PrismaClient } from "../generated/prisma/client";
import { RECORDED_ACTIONS } from "./retention";
import { recordingDigest } from "./verify";
import type { AuditWriter } from "./writer";

/** What the target looks like now, in words ("the container is running"), or null. */
export type Observe = (environmentId: string, targetKind: string, targetId: string) => Promise<string | null>;

const OBSERVE_AT_ONCE = 16;

/**
 * Completes every intent opened before `openedBefore` (so never one of this process's own
 * running actions). Resolves with how many it completed; never rejects for one event: an
 * event that cannot be completed now is left for the next start and counted in `failed`.
 */
export async function reconcileOpenIntents(
  prisma: PrismaClient,
  writer: AuditWriter,
  options: { observe?: Observe; openedBefore?: Date } = {},
): Promise<{ completed: number; failed: number }> {
  const open = await prisma.auditEvent.findMany({
    where: { outcome: "pending", completionSeq: null, time: { lt: options.openedBefore ?? new Date() } },
    orderBy: { time: "asc" },
    select: { id: true, action: true, environmentId: true, targetKind: true, targetId: true },
  });
  let completed = 0;
  let failed = 0;
  // The engines are asked a few at a time, not one after another: many open intents on a dead
  // host must cost about one deadline, not one per intent.
  let next = 0;
  const worker = async () => {
    while (next < open.length) {
      const event = open[next++]!;
      try {
        let found: string | null = null;
        if (options.observe && event.environmentId && event.targetKind && event.targetId) {
          found = await options
            .observe(event.environmentId, event.targetKind, event.targetId)
            .catch(
              (error: unknown) =>
                `its environment could not be asked (${error instanceof Error ? error.message : String(error)})`,
            );
        }
        let recording: { sha256: string; chunks: number } | null = null;
        if (RECORDED_ACTIONS.includes(event.action)) {
          const chunks = await prisma.consoleRecordingChunk.findMany({
            where: { eventId: event.id },
            orderBy: { seq: "asc" },
            select: { data: true },
          });
          if (chunks.length) recording = { sha256: recordingDigest(chunks), chunks: chunks.length };
        }
        await writer.complete(event.id, {
          outcome: "interrupted",
          error:
            "Stevedore stopped before this action's outcome was known." +
            (found ? ` At the next start, ${found}.` : ""),
          recording,
        });
        completed++;
      } catch (error) {
        failed++;
        console.error(`audit: cannot complete the interrupted event ${event.id} now:`, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OBSERVE_AT_ONCE, open.length) }, worker));
  return { completed, failed };
}
