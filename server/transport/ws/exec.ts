// GET /api/ws/exec?environmentId=&containerId=&cmd=&user=&workdir=&cols=&rows= upgraded to a
// websocket: a new process (`docker exec -it`) in the container. Everything is checked before
// the upgrade and before any exec exists (console-admission.ts); it needs container.exec.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { runConsole, type ConsoleRegistry, type ConsoleRequest } from "../../console/bridge";
import type { Services } from "../../core/context";
import { admitConsole, badQuery, processQuery, type AdmittedConsole } from "./console-admission";
import type { Admission, WsEndpoint } from "./router";
import { ENGINE_REF } from "../../core/refs";

export const containerRef = z.string().regex(ENGINE_REF, "containerId is not a container id or name");

const query = processQuery.extend({ containerId: containerRef });

type State = AdmittedConsole<ConsoleRequest>;

export function execSocket(services: Services, registry: ConsoleRegistry): WsEndpoint<State> {
  return {
    async authorize(req: IncomingMessage, url: URL): Promise<Admission<State>> {
      const parsed = query.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) return badQuery(parsed.error.issues);
      const { cmd, workdir, ...rest } = parsed.data;
      const input: ConsoleRequest = { ...rest, command: cmd, workingDir: workdir };
      const admitted = await admitConsole(services, registry, req, input, {
        action: "console.exec",
        permission: "container.exec",
        door: "exec",
      });
      if (!admitted.ok) return admitted;
      const { actor, request, slot, requires } = admitted;
      return {
        ok: true,
        state: { actor, request, slot, input: { ...input, requires } },
        abandon: () => slot.release(),
      };
    },

    handle(socket, _req, _url, state) {
      return runConsole(services, state.slot, socket, state.actor, state.request, state.input);
    },
  };
}
