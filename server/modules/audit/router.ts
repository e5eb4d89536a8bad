import { on } from "node:events";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { auditColumns, auditFilter, auditWhere, presentAuditRow, toCsv, toNdjson } from "../../audit/query";
import { parseHead } from "../../audit/anchor";
import { loadRecording } from "../../console/recorder";
import { can } from "../../rbac/permissions";
import { watchPermission } from "../../rbac/revocation";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";

const EXPORT_LIMIT = 100_000;
/** The events that carry a console recording: a shell (exec) or the main process (attach). */
const CONSOLE_ACTIONS = new Set(["console.exec", "console.attach"]);

export const auditRouter = createTRPCRouter({
  /** Newest first, filtered, a page at a time (cursor: the last chainSeq seen). */
  list: permittedProcedure("audit.read")
    .input(
      auditFilter.extend({
        cursor: z.string().regex(/^\d+$/).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      const rows = await ctx.services.prisma.auditEvent.findMany({
        where: {
          AND: [auditWhere(filter), { chainSeq: cursor ? { lt: BigInt(cursor) } : { not: null } }],
        },
        orderBy: { chainSeq: "desc" },
        take: limit + 1,
        select: auditColumns,
      });
      const page = rows.slice(0, limit).map(presentAuditRow);
      return { items: page, nextCursor: rows.length > limit ? page[page.length - 1]!.chainSeq : null };
    }),

  get: permittedProcedure("audit.read")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      const row = await ctx.services.prisma.auditEvent.findUnique({ where: { id: input.id }, select: auditColumns });
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such event." });
      return presentAuditRow(row);
    }),

  /** A console session's recording as an asciicast v2 file, for replay. Recordings show what
   * was printed (and may show what was typed), secrets included: their own permission. */
  recording: permittedProcedure("audit.recordings")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      const event = await ctx.services.prisma.auditEvent.findUnique({
        where: { id: input.id },
        select: { action: true },
      });
      if (!event || !CONSOLE_ACTIONS.has(event.action))
        throw new TRPCError({ code: "NOT_FOUND", message: "No console session with that id." });
      const cast = await loadRecording(ctx.services.prisma, input.id);
      if (!cast) throw new TRPCError({ code: "NOT_FOUND", message: "This session has no recording." });
      return { cast };
    }),

  /**
   * Checks the whole hash chain and names the first event that does not fit; with
   * `expectedHead` ("<seq>:<hash>", as the server log and audit-head.json give it) also that
   * the chain still holds that head (a shorter chain is named as truncated).
   */
  verify: permittedProcedure("audit.read")
    .input(z.object({ expectedHead: z.string().trim().max(200).optional() }).optional())
    .query(({ ctx, input }) => {
      const given = input?.expectedHead ? parseHead(input.expectedHead) : null;
      if (input?.expectedHead && !given) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "expectedHead is <seq>:<64 hex digits>." });
      }
      return ctx.services.audit.verify(given ? [{ head: given, source: "the head given" }] : []);
    }),

  /** The current filter's events as CSV or NDJSON, oldest first. */
  export: permittedProcedure("audit.read")
    .input(auditFilter.extend({ format: z.enum(["csv", "ndjson"]) }))
    .query(async ({ ctx, input }) => {
      const { format, ...filter } = input;
      const rows = await ctx.services.prisma.auditEvent.findMany({
        where: { AND: [auditWhere(filter), { chainSeq: { not: null } }] },
        orderBy: { chainSeq: "asc" },
        take: EXPORT_LIMIT,
        select: auditColumns,
      });
      const presented = rows.map(presentAuditRow);
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      return {
        filename: `stevedore-audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}`,
        contentType: format === "csv" ? "text/csv" : "application/x-ndjson",
        content: format === "csv" ? toCsv(presented) : toNdjson(presented),
        count: presented.length,
        truncated: rows.length === EXPORT_LIMIT,
      };
    }),

  /** New events as they are completed (server-sent events), filtered like the list. */
  tail: permittedProcedure("audit.read")
    .input(auditFilter.optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const where = auditWhere(input ?? {});
      const watch = watchPermission(
        ctx.services.prisma,
        ctx.actor,
        ctx.actor.permissions,
        (p) => can(p, "audit.read"),
        signal,
      );
      try {
        yield* tail(watch.signal);
      } catch (error) {
        // The stream ends when the page goes or the permission does; either is a normal end.
        if (!watch.signal.aborted) throw error;
      } finally {
        watch.stop();
      }
      async function* tail(live: AbortSignal) {
        for await (const [id] of on(ctx.services.audit.events, "event", { signal: live })) {
          const row = await ctx.services.prisma.auditEvent.findFirst({
            where: { AND: [where, { id: id as string }] },
            select: auditColumns,
          });
          if (row) yield presentAuditRow(row);
        }
      }
    }),
});
