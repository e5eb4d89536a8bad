import { pingDatabase } from "../../db";
import { createTRPCRouter, publicProcedure } from "../../transport/trpc/init";

export const systemRouter = createTRPCRouter({
  /** What the health endpoint says, for pages: is the database answering, which version. */
  health: publicProcedure.query(async ({ ctx }) => {
    const db = await pingDatabase(ctx.services.prisma);
    return {
      db: db ? ("up" as const) : ("down" as const),
      version: ctx.services.version,
      embeddedDatabase: ctx.services.embeddedDatabase,
    };
  }),
});
