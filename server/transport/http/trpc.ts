import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { auditEntry } from "../../audit/entry";
import { targetKindOf } from "../../audit/middleware-support";
import { describeRejectedToken } from "../../audit/rejected-credentials";
import { authenticate, BadCredentialsError } from "../../auth/authenticate";
import { readCookie, SESSION_COOKIE } from "../../auth/sessions";
import { batchProblem } from "../trpc/batching";
import { createContext, type Services } from "../../core/context";
import { appRouter } from "../trpc/root";
import { MAX_BODY_BYTES } from "./request-limits";
import { requestInfo } from "./request-info";
import { installChunkTextEncoderStream } from "./text-encoder-stream";

export const TRPC_PREFIX = "/api/trpc/";

// Subscriptions are written as server-sent events through TextEncoderStream: the one that
// encodes a chunk whole (see ./text-encoder-stream.ts).
installChunkTextEncoderStream();

type Access = { kind: string; permission?: string };
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string; meta?: { access?: Access } } } | undefined
>;

/**
 * A request without any credentials for procedures that all need a signed-in caller is refused
 * here, before tRPC parses it or reads its body: anonymous traffic is the cheapest to send in
 * bulk, so its refusal must be the cheapest to make. The answer is the one tRPC would give
 * (401, its error shape, one per call of a batch), and each call is recorded as a refusal
 * (grouped when many alike arrive), as the procedure builders would record it.
 */
function refusedAnonymously(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.headers.authorization || readCookie(req.headers.cookie, SESSION_COOKIE)) return false;
  const batch = url.searchParams.get("batch") === "1";
  const paths = url.pathname.slice(TRPC_PREFIX.length).split(",");
  if (batch ? batchProblem(paths) !== null : paths.length !== 1) return false;
  const calls = paths.map((path) => ({ path, def: procedures[path]?._def }));
  // Unknown procedures, public ones and subscriptions (answered as event streams) go to tRPC.
  if (!calls.every(({ def }) => def && def.type !== "subscription" && def.meta?.access?.kind !== "public")) {
    return false;
  }
  const request = requestInfo(req);
  const message = "Sign in first.";
  for (const { path, def } of calls) {
    void services.audit
      .refuse(
        auditEntry(null, request, path, {
          permission: def?.meta?.access?.permission ?? null,
          targetKind: targetKindOf(path),
        }),
        { outcome: "denied", error: message },
      )
      .catch((error: unknown) => console.error(`audit: cannot record the refusal of ${path}:`, error));
  }
  const shape = (path: string) => ({
    error: { message, code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401, path, zodError: null } },
  });
  const body = JSON.stringify(batch ? paths.map(shape) : shape(paths[0]!));
  res.writeHead(401, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    vary: "trpc-accept, accept",
  });
  res.end(body);
  return true;
}

/**
 * A POST that declares an empty body: a call without input (the client sends nothing to
 * parse). tRPC would read "" as broken JSON; the procedure builders take it as no input.
 * A body that is there but broken stays a 400.
 */
function hasNoBody(req: IncomingMessage): boolean {
  if (req.method !== "POST") return false;
  const length = req.headers["content-length"];
  return length === "0" || (length === undefined && req.headers["transfer-encoding"] === undefined);
}

/** Serves /api/trpc/* in this process, so the API shares one fleet and one database pool
 * with the websocket bridge instead of a second copy inside Next's bundles. */
export function serveTrpc(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (refusedAnonymously(services, req, res, url)) return Promise.resolve();
  return nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path: url.pathname.slice(TRPC_PREFIX.length),
    // A query may come as a POST (the browser's client does so for ones whose input is a whole
    // file); it is still a query: read-only, not audited as a change.
    allowMethodOverride: true,
    // A body is read only up to this (a chunked one is counted as it arrives): 413 beyond.
    maxBodySize: MAX_BODY_BYTES,
    createContext: async ({ info }) => {
      const request = { ...requestInfo(req), noBody: hasNoBody(req) };
      const paths = info.calls.map((call) => call.path);
      // Refused before anyone is authenticated or any input is read (and so before any
      // password in a batch is checked), and recorded.
      const problem = info.isBatchCall ? batchProblem(paths) : null;
      if (problem) {
        await services.audit
          .refuse(
            auditEntry(null, request, paths.find((p) => batchProblem([p])) ?? paths[0] ?? "batch", {
              params: { batchOf: paths.length, procedures: [...new Set(paths)].slice(0, 20) },
            }),
            { outcome: "denied", error: problem },
          )
          .catch((error: unknown) => console.error("audit: cannot record a refused batch:", error));
        throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      }
      let actor;
      try {
        actor = await authenticate(services, req.headers);
      } catch (error) {
        if (!(error instanceof BadCredentialsError)) throw error;
        // A wrong, revoked or expired token: refused, and on the record like any refusal.
        const token = await describeRejectedToken(services.prisma, req.headers);
        await Promise.all(
          paths.map((path) =>
            services.audit.refuse(auditEntry(null, request, path, token), { outcome: "denied", error: error.message }),
          ),
        ).catch((cause: unknown) => console.error("audit: cannot record a refused token:", cause));
        throw new TRPCError({ code: "UNAUTHORIZED", message: error.message });
      }
      return createContext(services, actor, request, {
        setCookie: (cookie) => res.appendHeader("set-cookie", cookie),
      });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path ?? "?"} failed:`, error);
    },
  });
}
