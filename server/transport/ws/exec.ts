// GET /api/ws/exec?environmentId=&containerId=&cmd=&user=&workdir=&cols=&rows= upgraded to a
// websocket: a new process (`docker exec -it`) in the container. Everything is checked before
// the upgrade and before any exec exists (console-admission.ts); it needs container.exec.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { runConsole, type ConsoleRegistry, type ConsoleRequest, type ConsoleSlot } from "../../console/bridge";
import type { Actor, RequestInfo, Services } from "../../core/context";
import { admitConsole, badQuery } from "./console-admission";
import type { Admission, WsEndpoint } from "./router";
import { ENGINE_REF } from "../../core/refs";

export const containerRef = z.string().regex(ENGINE_REF, "containerId is not a container id or name");

const query = z.object({
  environmentId: z.string().min(1).max(64),
  containerId: containerRef,
  cmd: z.string().trim().min(1).max(256).default("auto"),
  user: z.string().trim().max(64).optional(),
  workdir: z.string().trim().max(1024).optional(),
  cols: z.coerce.number().int().min(2).max(1000).default(80),
  rows: z.coerce.number().int().min(2).max(500).default(24),
});

interface State {
  actor: Actor;
  request: RequestInfo;
  slot: ConsoleSlot;
  input: ConsoleRequest;
}

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
