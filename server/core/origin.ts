import { isIP } from "node:net";
import { env } from "../env";
import type { PrismaClient } from "../generated/prisma/client";
import type { RequestInfo } from "./context";

/**
 * Why a state-changing request must be refused as cross-site, or null. A browser sends
 * Origin on every POST and websocket; it must name the host the request went to. A request
 * without Origin is a script (curl, automation): fine with an API token or no credentials,
 * refused when it rides on a session cookie.
 */
export function originProblem(request: RequestInfo, via: "session" | "token" | null): string | null {
  if (request.origin) {
    let originHost: string;
    try {
      originHost = new URL(request.origin).host;
    } catch {
      return "The request's Origin header is not a URL.";
    }
    if (!request.host || originHost !== request.host) {
      return `Cross-site request refused: Origin ${request.origin} is not this Stevedore (${request.host ?? "unknown host"}).`;
    }
    return null;
  }
  if (via === "session") {
    return "A request signed in by cookie must come from a browser page (Origin header); scripts use an API token.";
  }
  return null;
}

/**
 * DNS rebinding: a page on a name the attacker controls (evil.example) is re-pointed at this
 * server's address, so the victim's browser sends it requests as same-origin ones, with
 * `Host: evil.example`. State-changing requests (mutations, the first-run setup, uploads,
 * console websockets) are therefore accepted only for this server's own host names:
 * STEVEDORE_ALLOWED_HOSTS when set; otherwise the first host name this server was reached by
 * (kept in the database), plus localhost. An address (127.0.0.1, [::1], 10.0.0.5) is always
 * accepted: no DNS name, nothing to rebind.
 */
export const FIRST_HOST_KEY = "http.firstHostName";

/** The name in a Host header, without its port and brackets, lower-case; null when there is none. */
export function hostNameOf(host: string | null): string | null {
  if (!host) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  const name = bracketed ? bracketed[1]! : host.replace(/:\d+$/, "");
  return name.toLowerCase().replace(/\.$/, "") || null;
}

/** Loopback names and addresses cannot be rebound by someone else's DNS. */
function alwaysAllowed(name: string): boolean {
  return isIP(name) !== 0 || name === "localhost" || name.endsWith(".localhost");
}

/** `name` matches an entry: exactly, or under ".example.com" (which also allows example.com). */
export function hostListed(name: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) =>
    entry.startsWith(".") ? name === entry.slice(1) || name.endsWith(entry) : name === entry.replace(/\.$/, ""),
  );
}

export class AllowedHosts {
  private pinned: string | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly configured: readonly string[],
  ) {}

  /** Why a state-changing request to `host` is refused, or null. */
  async problem(host: string | null): Promise<string | null> {
    const name = hostNameOf(host);
    // No Host: not a browser (in-process calls, HTTP/1.0 tools), so not a rebinding page.
    if (!name || alwaysAllowed(name)) return null;
    if (this.configured.length) return hostListed(name, this.configured) ? null : this.refusal(name);
    this.pinned ??= await this.pin(name);
    return name === this.pinned ? null : this.refusal(name);
  }

  /** The first host name seen, kept once for good (the first writer wins a race). */
  private async pin(name: string): Promise<string> {
    const existing = await this.prisma.setting.findUnique({ where: { key: FIRST_HOST_KEY } });
    if (typeof existing?.value === "string") return existing.value;
    await this.prisma.setting.createMany({ data: [{ key: FIRST_HOST_KEY, value: name }], skipDuplicates: true });
    const row = await this.prisma.setting.findUniqueOrThrow({ where: { key: FIRST_HOST_KEY } });
    return typeof row.value === "string" ? row.value : name;
  }

  private refusal(name: string): string {
    return (
      `This Stevedore does not answer to the host name ${name} for changes (a page re-pointed at it by DNS ` +
      `rebinding looks like this). If it is one of this server's names, add it to STEVEDORE_ALLOWED_HOSTS.`
    );
  }
}

// One per database client, configured from STEVEDORE_ALLOWED_HOSTS; on globalThis so Next's
// bundled copy of this module shares the pinned name.
const slot = Symbol.for("stevedore.allowedHosts");
export function allowedHostsFor(prisma: PrismaClient): AllowedHosts {
  const holder = globalThis as { [slot]?: WeakMap<PrismaClient, AllowedHosts> };
  const map = (holder[slot] ??= new WeakMap());
  let hosts = map.get(prisma);
  if (!hosts) map.set(prisma, (hosts = new AllowedHosts(prisma, env().STEVEDORE_ALLOWED_HOSTS)));
  return hosts;
}
