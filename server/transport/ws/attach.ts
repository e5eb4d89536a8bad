// GET /api/ws/attach?environmentId=&containerId=&cols=&rows= upgraded to a websocket: the
// container's main process (`docker attach`). The same checks as /api/ws/exec, all before the
// upgrade and before any engine call (console-admission.ts), with container.attach. Input
// reaches the process only when the caller ALSO holds container.exec on that environment:
// typing into PID 1 is at least as powerful as a shell. Leaving never stops the container.
import type { IncomingMessage } from "node:http";
import { runAttach, type AttachRequest, type ConsoleRegistry } from "../../console/bridge";
import { can } from "../../rbac/permissions";
import type { Services } from "../../core/context";
import { admitConsole, badQuery, consoleQuery, type AdmittedConsole } from "./console-admission";
import { containerRef } from "./exec";
import type { Admission, WsEndpoint } from "./router";

const query = consoleQuery.extend({ containerId: containerRef });

type State = AdmittedConsole<AttachRequest>;

export function attachSocket(services: Services, registry: ConsoleRegistry): WsEndpoint<State> {
  return {
    async authorize(req: IncomingMessage, url: URL): Promise<Admission<State>> {
      const parsed = query.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) return badQuery(parsed.error.issues);
      const admitted = await admitConsole(services, registry, req, parsed.data, {
        action: "console.attach",
        permission: "container.attach",
        door: "attach-input",
      });
      if (!admitted.ok) return admitted;
      // Typing into a host-reaching container's main process needs its host access too;
      // watching it does not (server/workloads/reach.ts).
      const mayWrite =
        can(admitted.actor.permissions, "container.exec", parsed.data.environmentId) && !admitted.hostReachRefusal;
      const { actor, request, slot } = admitted;
      return {
        ok: true,
        state: {
          actor,
          request,
          slot,
          input: {
            ...parsed.data,
            mayWrite,
            requires: admitted.requires,
            ...(admitted.hostReachRefusal ? { readOnlyReason: `read-only: ${admitted.hostReachRefusal}` } : {}),
          },
        },
        abandon: () => slot.release(),
      };
    },

    handle(socket, _req, _url, state) {
      return runAttach(services, state.slot, socket, state.actor, state.request, state.input);
    },
  };
}
