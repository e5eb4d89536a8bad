// Lists across the fleet: each answered from the live picture where it is warm, else read
// live within the deadline; one entry per environment the caller may read, data or error.
// Free of tRPC, so a page's server render can answer a list as the API does
// (app/(app)/containers/page.tsx); the procedures are in ./lists.procedure.ts.
import type { ResourceKind } from "../../docker/index";
import type { Services } from "../../core/context";

/**
 * A watched engine says something (an event, or an answer to the liveness ping) at least every
 * couple of seconds; data older than this is called stale.
 */
export const STALE_AFTER_MS = 5_000;

/** The environments to answer for: those asked for (or all), limited to the caller's scope. */
export function environmentsInScope(
  services: Services,
  scope: "all" | Set<string>,
  asked: string[] | undefined,
): string[] {
  const known = services.fleet.environmentIds();
  const wanted = asked ? known.filter((id) => asked.includes(id)) : known;
  return scope === "all" ? wanted : wanted.filter((id) => scope.has(id));
}

/**
 * A fleet list as `<kind>.list` answers it, for the environments given: the items, the errors,
 * the paused environments, how fresh each environment's items are, and the picture's stamps.
 */
export async function answerFleetList<K extends ResourceKind>(services: Services, kind: K, ids: string[]) {
  const { items, errors, paused, sources, stamps } = await services.fleet.list(kind, ids);
  // How current each environment's items are: the engine's state as of `asOf`; `stale` when
  // the engine has said nothing for longer than a healthy one ever does (it is being checked).
  const now = Date.now();
  const freshness = sources.map(({ environmentId, source, asOf }) => ({
    environmentId,
    source,
    asOf,
    stale: now - asOf > STALE_AFTER_MS,
  }));
  // Where the picture stood when read, per environment: a page compares them with the start
  // of its live feed (fleet.changes) and reads again what moved between the two.
  return { items, errors, paused, freshness, stamps };
}
