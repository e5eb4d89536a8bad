// GET /api/ws/exec?environmentId=&containerId=&cmd=&user=&workdir=&cols=&rows= upgraded to a
// websocket. Everything is checked before the upgrade and before any exec exists: who the
// caller is (session cookie or API token; never a credential in the URL), that the request
// comes from Stevedore's own page (Origin), container.exec on that environment, and the
// per-user limit on open consoles. Refusals are on the record.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { authenticate, BadCredentialsError } from "../auth/authenticate";
import { runConsole, type ConsoleRegistry, type ConsoleRequest } from "../console/bridge";
import { requestInfo } from "../http/trpc";
import { can } from "../rbac/permissions";
import type { Actor, RequestInfo, Services } from "../trpc/context";
import { originProblem } from "../trpc/origin";
import type { Admission, WsEndpoint } from "./router";

export const MAX_CONSOLES_PER_USER = 10;

const query = z.object({
  environmentId: z.string().min(1).max(64),
  containerId: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, "containerId is not a container id or name"),
  cmd: z.string().trim().min(1).max(256).default("auto"),
  user: z.string().trim().max(64).optional(),
  workdir: z.string().trim().max(1024).optional(),
  cols: z.coerce.number().int().min(2).max(1000).default(80),
  rows: z.coerce.number().int().min(2).max(500).default(24),
});

interface State {
  actor: Actor;
  request: RequestInfo;
  input: ConsoleRequest;
}

export function execSocket(services: Services, registry: ConsoleRegistry): WsEndpoint<State> {
  const deny = async (actor: Actor | null, request: RequestInfo, input: Partial<ConsoleRequest>, message: string) => {
    await services.audit
      .record(
        {
          actorUserId: actor?.userId ?? null,
          actorUsername: actor?.username ?? null,
          actorTokenId: actor?.tokenId ?? null,
          ip: request.ip,
          userAgent: request.userAgent,
          action: "console.exec",
          permission: "container.exec",
          environmentId: input.environmentId ?? null,
          targetKind: "container",
          targetId: input.containerId ?? null,
        },
        { outcome: "denied", error: message },
      )
      .catch((error: unknown) => console.error("console: cannot record a refusal:", error));
  };

  return {
    async authorize(req: IncomingMessage, url: URL): Promise<Admission<State>> {
      const request = requestInfo(req);
      const parsed = query.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        return {
          ok: false,
          status: 400,
          message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        };
      }
      const { cmd, workdir, ...rest } = parsed.data;
      const input: ConsoleRequest = { ...rest, command: cmd, workingDir: workdir };

      let actor: Actor | null;
      try {
        actor = await authenticate(services, req.headers);
      } catch (error) {
        if (!(error instanceof BadCredentialsError)) throw error;
        await deny(null, request, input, error.message);
        return { ok: false, status: 401, message: error.message };
      }
      if (!actor) {
        await deny(null, request, input, "not signed in");
        return { ok: false, status: 401, message: "Sign in first." };
      }
      // A websocket is a state change: the same cross-site rule as mutations.
      const problem = originProblem(request, actor.via);
      if (problem) {
        await deny(actor, request, input, problem);
        return { ok: false, status: 403, message: problem };
      }
      if (actor.mustEnrollTotp) return { ok: false, status: 403, message: "Set up two-factor sign-in first." };
      if (!can(actor.permissions, "container.exec", input.environmentId)) {
        const message = "You do not have the container.exec permission here.";
        await deny(actor, request, input, message);
        return { ok: false, status: 403, message };
      }
      if (registry.countFor(actor.userId) >= MAX_CONSOLES_PER_USER) {
        return {
          ok: false,
          status: 429,
          message: `You have ${MAX_CONSOLES_PER_USER} consoles open already; close one first.`,
        };
      }
      return { ok: true, state: { actor, request, input } };
    },

    handle(socket, _req, _url, state) {
      return runConsole(services, registry, socket, state.actor, state.request, state.input);
    },
  };
}
