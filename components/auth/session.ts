// Who is looking at a page, for server components. Pages are gated here, in the layouts,
// with the same authenticate() the API uses, so a page and its API calls agree.
//
// Not through createCaller(appRouter): the root router reaches server/db.ts, whose module
// setup (import.meta.dirname) cannot run inside Next's server bundle. authenticate() and
// the Prisma client the server already opened are all a page needs.
import "server-only";
import { headers } from "next/headers";
import { connection } from "next/server";
import { cache } from "react";
import { authenticate } from "@/server/auth/authenticate";
import { presentActor } from "@/server/auth/present";
import { isSetupDone } from "@/server/auth/settings";
import type { Actor } from "@/server/core/context";
import { getServices } from "@/server/services";
import type { Viewer } from "./viewer";

/** The signed-in caller (with their permissions), or null. Read once per request. */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const incoming = await headers();
  // Pages ride on the session cookie only; an Authorization header is for scripts.
  return authenticate(getServices(), { cookie: incoming.get("cookie") ?? undefined });
});

/** The signed-in user as auth.me describes them, or null. */
export const currentViewer = cache(async (): Promise<Viewer | null> => {
  const actor = await currentActor();
  return actor ? presentActor(actor) : null;
});

/** The same question auth.setupStatus answers: has the first administrator been created? */
export async function needsSetup(): Promise<boolean> {
  // Asked at request time, never baked into a build.
  await connection();
  return !(await isSetupDone(getServices().prisma));
}
