// events.live: one environment's engine events as they happen, after the recent ones kept in
// memory; each filtered by what the caller may read there now, ending when environment.read goes.
import { randomBytes } from "node:crypto";
import { tracked } from "@trpc/server";
import type { LoggedEngineEvent } from "../../docker/index";
import { can } from "../../rbac/permissions";
import { createTRPCRouter } from "../../transport/trpc/init";
import { drained, whileAllowed } from "../../transport/trpc/streaming";
import { ResourceNotFoundError } from "../shared/errors";
import { resourceProcedure } from "../shared/procedure";
import { eventsInput } from "./contract";
import { feedEventOf, permissionToSee } from "./feed";

/**
 * This process's mark on the ids it sends: the kept events are numbered from 1 at each start
 * (and each replica numbers its own), so an id from before a restart, or from another replica,
 * says nothing about what follows: such a page gets the kept events again, not nothing.
 */
const BOOT = randomBytes(4).toString("hex");

function afterOf(lastEventId: string | null | undefined): number {
  const [boot, seq] = (lastEventId ?? "").split(".");
  return boot === BOOT ? Number(seq) || 0 : 0;
}

export const eventsRouter = createTRPCRouter({
  live: resourceProcedure("environment.read")
    .input(eventsInput)
    .subscription(({ ctx, input, signal }) => {
      const { environmentId } = input;
      const fleet = ctx.services.fleet;
      // Refused at the call, before any stream opens.
      if (!fleet.status(environmentId)) throw new ResourceNotFoundError("There is no such environment.");
      return feed();
      async function* feed() {
        const types = input.types ? new Set<string>(input.types) : null;
        const after = afterOf(input.lastEventId);
        yield* whileAllowed(
          ctx,
          signal,
          (p) => can(p, "environment.read", environmentId),
          async function* (watch) {
            const wanted = (e: LoggedEngineEvent) =>
              e.seq > after &&
              (!types || types.has(e.raw.Type ?? "")) &&
              can(watch.current(), permissionToSee(e.raw.Type ?? ""), environmentId);
            const queue: LoggedEngineEvent[] = [...fleet.events.recent(environmentId)];
            const events = drained(watch.signal, queue, (push) =>
              fleet.events.listen(environmentId, (event) => {
                // A page that cannot keep up loses the oldest, never the server's memory.
                if (queue.length >= 1_000) queue.shift();
                push(event);
              }),
            );
            for await (const next of events) {
              if (wanted(next))
                yield tracked(
                  `${BOOT}.${next.seq}`,
                  feedEventOf(fleet, next, can(watch.current(), "container.read", environmentId)),
                );
            }
          },
        );
      }
    }),
});
