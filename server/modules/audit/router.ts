// The audit trail over tRPC: the permission, the input, then the reads (events.ts).
import { on } from "node:events";
import { z } from "zod";
import { auditFilter } from "../../audit/query";
import { parseHead } from "../../audit/anchor";
import { BadInputError } from "../../core/errors";
import { can } from "../../rbac/permissions";
import { whileAllowed } from "../../transport/trpc/streaming";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { completedEvent, consoleRecording, exportAuditEvents, getAuditEvent, listAuditEvents } from "./events";

export const auditRouter = createTRPCRouter({
  /** Newest first, filtered, a page at a time (cursor: the last chainSeq seen). */
  list: permittedProcedure("audit.read")
    .input(
      auditFilter.extend({
        cursor: z.string().regex(/^\d+$/).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      return listAuditEvents(ctx.services.prisma, filter, { cursor, limit });
    }),

  get: permittedProcedure("audit.read")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => getAuditEvent(ctx.services.prisma, input.id)),

  /** A console session's recording as an asciicast v2 file, for replay. Recordings show what
   * was printed (and may show what was typed), secrets included: their own permission. */
  recording: permittedProcedure("audit.recordings")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => consoleRecording(ctx.services.prisma, input.id)),

  /**
   * Checks the whole hash chain and names the first event that does not fit; with
   * `expectedHead` ("<seq>:<hash>", as the server log and audit-head.json give it) also that
   * the chain still holds that head (a shorter chain is named as truncated).
   */
  verify: permittedProcedure("audit.read")
    .input(z.object({ expectedHead: z.string().trim().max(200).optional() }).optional())
    .query(({ ctx, input }) => {
      const given = input?.expectedHead ? parseHead(input.expectedHead) : null;
      if (input?.expectedHead && !given) throw new BadInputError("expectedHead is <seq>:<64 hex digits>.");
      return ctx.services.audit.verify(given ? [{ head: given, source: "the head given" }] : []);
    }),

  /** The current filter's events as CSV or NDJSON, oldest first. */
  export: permittedProcedure("audit.read")
    .input(auditFilter.extend({ format: z.enum(["csv", "ndjson"]) }))
    .query(({ ctx, input }) => {
      const { format, ...filter } = input;
      return exportAuditEvents(ctx.services.prisma, filter, format);
    }),

  /** New events as they are completed (server-sent events), filtered like the list. */
  tail: permittedProcedure("audit.read")
    .input(auditFilter.optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const filter = input ?? {};
      // The stream ends when the page goes or the permission does; either is a normal end.
      yield* whileAllowed(
        ctx,
        signal,
        (p) => can(p, "audit.read"),
        (watch) => tail(watch.signal),
      );
      async function* tail(live: AbortSignal) {
        for await (const [id] of on(ctx.services.audit.events, "event", { signal: live })) {
          const row = await completedEvent(ctx.services.prisma, filter, id as string);
          if (row) yield row;
        }
      }
    }),
});
