// Who is asking, as every door (tRPC, downloads, websockets) records it. Its own module, free of
// the router: the doors that resource modules import must not load the root router, which is
// assembled from those same modules.
import type { IncomingMessage } from "node:http";
import { DEVICE_COOKIE } from "../../auth/device";
import { readCookie } from "../../auth/sessions";
import { env } from "../../env";
import type { RequestInfo } from "../../core/context";
import { clientAddress } from "./client-address";

export function requestInfo(req: IncomingMessage): RequestInfo {
  const forwardedProto = req.headers["x-forwarded-proto"];
  return {
    ip: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], env().trustedProxies),
    device: readCookie(req.headers.cookie, DEVICE_COOKIE),
    userAgent: req.headers["user-agent"] ?? null,
    origin: req.headers.origin ?? null,
    host: req.headers.host ?? null,
    secure:
      "encrypted" in req.socket || (typeof forwardedProto === "string" && forwardedProto.split(",")[0] === "https"),
  };
}
