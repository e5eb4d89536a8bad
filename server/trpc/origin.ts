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
