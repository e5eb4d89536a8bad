import type { ServerResponse } from "node:http";
import { pingDatabase } from "../../db";
import type { Services } from "../../core/context";

/** GET /healthz: 200 {db, version} when the database answers, 503 otherwise. */
export async function serveHealth(services: Services, res: ServerResponse): Promise<void> {
  const up = await pingDatabase(services.prisma);
  const body = JSON.stringify({ db: up ? "up" : "down", version: services.version });
  res.writeHead(up ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(body);
}
