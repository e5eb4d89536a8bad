// Right after the server listens and before it says it is ready: walk the paths the first
// signed-in request and the first page would take, so that their one-time costs (Prisma
// compiling each query's plan, the tRPC router and its zod schemas, Next loading and compiling
// a page's server code, React's first render) are paid here rather than by the first person.
// Nothing is written and nothing lands on the audit trail: the credentials tried do not exist,
// the calls are reads, and the pages are asked for signed out.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { authenticate } from "../../auth/authenticate";
import { SESSION_COOKIE } from "../../auth/sessions";
import { requireTwoFactorForEveryone } from "../../auth/settings";
import { loadEffectivePermissions } from "../../rbac/permissions";
import type { Services } from "../../core/context";

/**
 * What a signed-in request does before its procedure runs, with credentials that match nobody:
 * the first query of each shape on each table costs 100-300 ms more than the next one (Prisma's
 * query compiler, the database's first touch of the table).
 */
export async function warmAuthentication(services: Services): Promise<void> {
  const { prisma } = services;
  const nobody = `warm-up-${randomBytes(18).toString("base64url")}`;
  await authenticate(services, { authorization: `Bearer sdt_${nobody}` }).catch(() => undefined);
  await authenticate(services, { cookie: `${SESSION_COOKIE}=${nobody}` });
  await loadEffectivePermissions(prisma, nobody);
  await requireTwoFactorForEveryone(prisma);
  // Reading rows that exist compiles what turns them into objects: someone's permissions.
  const someone = await prisma.user.findFirst({ select: { id: true } });
  if (someone) await loadEffectivePermissions(prisma, someone.id);
  // The writes a first request makes (a token's last use, a session's last activity), on a row
  // that does not exist: the same statements, nothing written.
  await prisma.apiToken.update({ where: { id: nobody }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  await prisma.session.updateMany({ where: { id: nobody }, data: { lastSeenAt: new Date() } });
}

function get(origin: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const request = http.get(`${origin}${path}`, { headers: { "accept-encoding": "br, gzip" } }, (response) => {
      response.resume();
      response.on("end", () => resolve());
      response.on("error", () => resolve());
    });
    request.setTimeout(30_000, () => request.destroy());
    request.on("error", () => resolve());
  });
}

/**
 * Warms the server listening at `origin` (a loopback address of this process); `pages: false`
 * leaves Next alone (in development it compiles a page on first request, which is the point).
 * Resolves with how long it took; never rejects: a failed warm-up only means a slower first
 * request.
 */
export async function warmUp(services: Services, origin: string, options: { pages: boolean }): Promise<number> {
  const started = performance.now();
  await warmAuthentication(services).catch(() => undefined);
  // Through the HTTP door: tRPC's handler with anonymous procedures; then the sign-in page (a
  // full render) and signed-in pages asked for signed out (their layout, the session check, the
  // redirect).
  const paths = [
    "/api/trpc/auth.me",
    "/api/trpc/auth.setupStatus",
    ...(options.pages ? ["/login", "/", "/containers"] : []),
  ];
  for (const path of paths) await get(origin, path);
  return Math.round(performance.now() - started);
}

/** The address to reach this process's own listener at. */
export function loopbackOrigin(host: string, port: number): string {
  if (host === "0.0.0.0") return `http://127.0.0.1:${port}`;
  if (host === "::") return `http://[::1]:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
