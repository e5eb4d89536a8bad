// The containers page's first screen, read in its server render (app/(app)/containers/page.tsx)
// as `containers.list({ first })` would answer the signed-in caller. A server component's helper,
// as ../auth/session.ts is: it reaches the server's services, which no browser code may.
import "server-only";
import { currentActor } from "../auth/session";
import { viewFromParams } from "../data-table/url-view";
import { CONTAINERS_VIEW, firstScreenFor, SERVED_FIRST_ROWS } from "./container-list-model";
import type { InitialFirstScreen } from "./containers-view";
import { firstScreenForActor } from "@/server/modules/containers/list";
import { environmentsWith } from "@/server/rbac/permissions";
import { getServices } from "@/server/services";

/** How long the page waits for its first screen before it goes without (see below). */
const SERVE_WITHIN_MS = 300;

/** The first rows of the view the URL asks for, or undefined where the API would refuse them. */
export async function servedFirstScreen(
  searchParams: Record<string, string | string[] | undefined>,
): Promise<InitialFirstScreen | undefined> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(searchParams)) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one !== undefined) params.set(key, one);
  }
  const actor = await currentActor();
  if (!actor) return undefined;
  const first = firstScreenFor(viewFromParams(CONTAINERS_VIEW, params), SERVED_FIRST_ROWS);
  // A first screen that cannot be read is the browser's to read (and to show why it could not).
  const services = getServices();
  // From the live picture this takes milliseconds; an engine being read live (just added, or not
  // answering and not yet called down) could hold the whole page for its 5 s deadline. Past a
  // moment the page goes without it, and the browser reads the first screen as it always could.
  const read = firstScreenForActor(services, actor, first).catch(() => null);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SERVE_WITHIN_MS)));
  const served = await Promise.race([read, late]).finally(() => clearTimeout(timer));
  if (!served) return undefined;
  // "Shown as they were at <time>" is drawn in the browser's time zone and locale, which the
  // server's render cannot match: the whole list, read at once, brings the engines' freshness.
  const answer = { ...served, freshness: served.freshness.map((f) => ({ ...f, stale: false })) };
  // The rows' environments by name, as environments.list would name them to this caller (those
  // it may read), so the first screen does not show ids until that list comes.
  const readable = environmentsWith(actor.permissions, "environment.read");
  const environmentNames = [...new Set(answer.items.map((item) => item.environmentId))].flatMap(
    (id): [string, string][] => {
      const name = services.fleet.status(id)?.name;
      return name && (readable === "all" || readable.has(id)) ? [[id, name]] : [];
    },
  );
  return { first, answer, environmentNames };
}
