// Plain HTTP endpoints beside tRPC, for what tRPC cannot carry well: streamed downloads and
// uploads (logs, container files). Each entry owns a path prefix under /api/; the handler
// authenticates, checks the permission and records the action itself, like the websockets.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../../core/context";
import { containerFilesRoute } from "./container-files";
import { containerLogsRoute } from "./container-logs";
import { imagesRoute } from "../../modules/images/http";
import { volumeFilesRoute } from "../../modules/volumes/http";
import { serviceLogsRoute } from "./service-logs";

export interface HttpRoute {
  /** Path prefix, e.g. "/api/containers/logs/". */
  prefix: string;
  handle(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export const httpRoutes: HttpRoute[] = [
  containerFilesRoute(),
  containerLogsRoute,
  serviceLogsRoute,
  imagesRoute(),
  volumeFilesRoute(),
];

export function findHttpRoute(pathname: string): HttpRoute | undefined {
  return httpRoutes.find((route) => pathname.startsWith(route.prefix));
}
