// Intents left open by a crash (the server stopped between writing an event and learning
// its outcome) are completed at the next start as "interrupted", never left dangling.
// When Docker actions exist, their state is checked against the engine here.
import type { PrismaClient } from "../generated/prisma/client";
import type { AuditWriter } from "./writer";

export async function reconcileOpenIntents(prisma: PrismaClient, writer: AuditWriter): Promise<number> {
  const open = await prisma.auditEvent.findMany({
    where: { outcome: "pending", chainSeq: null },
    orderBy: { time: "asc" },
    select: { id: true },
  });
  for (const { id } of open) {
    await writer.complete(id, {
      outcome: "interrupted",
      error: "Stevedore stopped before this action's outcome was known.",
    });
  }
  return open.length;
}
