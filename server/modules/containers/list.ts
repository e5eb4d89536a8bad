// `containers.list`'s answer, free of tRPC: the procedure (./router.ts) and the containers page's
// server render (app/(app)/containers/page.tsx, which draws the first screen into the HTML) both
// answer through here, so a page shows exactly the rows the API would give the same caller.
import type { Actor, Services } from "../../core/context";
import { canSomewhere, environmentsWith } from "../../rbac/permissions";
import { answerFleetList, environmentsInScope } from "../fleet/lists";
import { firstScreenInput, firstScreenOf, type FirstScreen } from "./contract";

export type ContainersListAnswer = Awaited<ReturnType<typeof answerContainersList>>;

/** The fleet list of containers for `scope`; with `first`, only the top rows of that view. */
export async function answerContainersList(
  services: Services,
  scope: "all" | Set<string>,
  input: { environmentIds?: string[]; first?: FirstScreen } | undefined,
) {
  const ids = environmentsInScope(services, scope, input?.environmentIds);
  const answer = await answerFleetList(services, "containers", ids);
  if (!input?.first) return answer;
  const fleet = services.fleet;
  const items = firstScreenOf(answer.items, input.first, (id) => fleet.status(id)?.name ?? id);
  return { ...answer, items };
}

/**
 * `containers.list({ first })` as this actor would be answered, for a page's server render; null
 * wherever the API would refuse them (the page then reads it in the browser and shows that
 * refusal, as before): no `container.read` anywhere, two-factor or a new password due.
 */
export async function firstScreenForActor(
  services: Services,
  actor: Actor,
  first: FirstScreen,
): Promise<ContainersListAnswer | null> {
  if (actor.mustChangePassword || actor.mustEnrollTotp) return null;
  if (!canSomewhere(actor.permissions, "container.read")) return null;
  // The URL's view, held to the API's own bounds (a search of at most 200 characters, …).
  const valid = firstScreenInput.safeParse(first);
  if (!valid.success) return null;
  return answerContainersList(services, environmentsWith(actor.permissions, "container.read"), {
    first: valid.data,
  });
}
