// GET /api/services/logs/<environmentId>/<serviceId>?timestamps=&stdout=&stderr=&since=&until=&tail=
// streams a swarm service's logs (up to now), merged across its tasks and each line led by its
// task as `docker service logs` writes them, as a text file, read only as fast as the client
// takes it. `environmentId` is any environment of the swarm; service.logs is checked on the
// swarm (a binding on one of its managers), refusals answered and recorded.
import { answerFor, isClassified } from "../../core/errors";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bindingScopeOf, canOnCluster, clusterById, clusterOf, viewHolds, viewOf } from "../../modules/swarm/index";
import { serviceLogText } from "../../modules/swarm/logs";
import { findService } from "../../modules/swarm/services";
import { watchPermission } from "../../rbac/revocation";
import { serviceQuery } from "../../core/refs";
import type { Services } from "../../core/context";
import { answer, drained, logOptionsQuery, downloadInput } from "./container-logs";
import { admitAtDoor } from "./door";
import type { HttpRoute } from "./routes";

export const SERVICE_LOGS_PREFIX = "/api/services/logs/";

const query = serviceQuery.extend(logOptionsQuery);

async function handle(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const input = downloadInput(req, res, url, SERVICE_LOGS_PREFIX, ["environmentId", "serviceId"], query);
  if (!input) return;
  const admitted = await admitAtDoor(services, req, {
    action: "services.logs.download",
    permission: "service.logs",
    environmentId: input.environmentId,
    scope: bindingScopeOf(services.fleet, input.environmentId),
    target: { kind: "service", id: input.serviceId },
    stateChanging: false,
  });
  if (!admitted.ok) return answer(res, admitted.status, admitted.message);
  const { actor } = admitted;

  const closed = new AbortController();
  res.once("close", () => closed.abort(new Error("the client went away")));
  let chunks: AsyncGenerator<Buffer> | undefined;
  let stopWatch = () => undefined as void;
  try {
    let name: string;
    let first: IteratorResult<Buffer>;
    try {
      const cluster = clusterOf(services.fleet, input.environmentId);
      let view = await viewOf(services.fleet, cluster);
      if (view.source.from === "picture" && !viewHolds(view, input.serviceId))
        view = await viewOf(services.fleet, cluster, undefined, { fresh: true });
      const service = findService(view, input.serviceId);
      name = service.name;
      // A long download ends, like a followed stream, when the permission goes.
      const watch = watchPermission(
        services.prisma,
        actor,
        actor.permissions,
        (p) => {
          const now = clusterById(services.fleet, cluster.id);
          return Boolean(now && canOnCluster(p, "service.logs", now));
        },
        closed.signal,
      );
      stopWatch = () => watch.stop();
      chunks = serviceLogText(
        services.fleet,
        view,
        service.id,
        {
          tail: input.tail,
          timestamps: input.timestamps ?? false,
          stdout: input.stdout ?? true,
          stderr: input.stderr ?? true,
          since: input.since,
          until: input.until,
        },
        watch.signal,
      );
      // The first chunk (or the engine's refusal) decides the status line.
      first = await chunks.next();
    } catch (error) {
      if (isClassified(error)) {
        return answer(res, answerFor(error).http, error.message);
      }
      throw error;
    }
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${name.slice(0, 64)}-logs.txt"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    let next = first;
    while (!next.done) {
      if (!res.write(next.value)) await drained(res);
      if (res.destroyed) return;
      next = await chunks.next();
    }
    res.end();
  } catch (error) {
    if (!closed.signal.aborted) console.error("service logs download failed:", error);
    res.destroy();
  } finally {
    stopWatch();
    await chunks?.return(undefined).catch(() => undefined);
  }
}

export const serviceLogsRoute: HttpRoute = { prefix: SERVICE_LOGS_PREFIX, handle };
