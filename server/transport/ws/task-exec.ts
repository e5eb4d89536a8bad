// GET /api/ws/task-exec?environmentId=&taskId=&cmd=&user=&workdir=&cols=&rows= upgraded to a
// websocket: a console (`docker exec -it`) in a swarm task's container, on the engine of the
// node it runs on. `environmentId` is any environment of the task's swarm; it needs
// service.exec on that swarm (a binding on one of its managers), checked before the upgrade
// and before any exec exists, and re-checked while the console is open.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { runConsole, type ConsoleAccess, type ConsoleRegistry, type ConsoleRequest } from "../../console/bridge";
import { answerFor, isClassified } from "../../core/errors";
import { bindingScopeOf, canOnCluster, clusterById, clusterOf, viewOf } from "../../modules/swarm/index";
import { taskConsoleTarget } from "../../modules/swarm/task-console";
import type { Services } from "../../core/context";
import { admitConsole, badQuery, judgeConsoleTarget, processQuery, type AdmittedConsole } from "./console-admission";
import type { Admission, WsEndpoint } from "./router";
import { ENGINE_REF } from "../../core/refs";

const query = processQuery.extend({ taskId: z.string().regex(ENGINE_REF, "taskId is not a task id") });

interface State extends AdmittedConsole<ConsoleRequest> {
  access: ConsoleAccess;
}

export function taskExecSocket(services: Services, registry: ConsoleRegistry): WsEndpoint<State> {
  return {
    async authorize(req: IncomingMessage, url: URL): Promise<Admission<State>> {
      const parsed = query.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) return badQuery(parsed.error.issues);
      const { environmentId, taskId, cmd, workdir, user, cols, rows } = parsed.data;
      const admitted = await admitConsole(
        services,
        registry,
        req,
        { environmentId },
        {
          action: "console.exec",
          permission: "service.exec",
          scope: bindingScopeOf(services.fleet, environmentId),
          target: { kind: "task", id: taskId },
        },
      );
      if (!admitted.ok) return admitted;
      const slot = admitted.slot;
      try {
        const cluster = clusterOf(services.fleet, environmentId);
        const target = taskConsoleTarget(services.fleet, await viewOf(services.fleet, cluster), taskId);
        const clusterId = cluster.id;
        // The task's container answers to the host-access rule like any other.
        const outcome = await judgeConsoleTarget(
          services,
          admitted.actor,
          target.environmentId,
          target.containerId,
          "exec",
        );
        if (!outcome.ok) {
          slot.release();
          return { ok: false, status: outcome.status, message: outcome.message };
        }
        return {
          ok: true,
          abandon: () => slot.release(),
          state: {
            actor: admitted.actor,
            request: admitted.request,
            slot,
            input: {
              environmentId: target.environmentId,
              containerId: target.containerId,
              command: cmd,
              user,
              workingDir: workdir,
              cols,
              rows,
              requires: outcome.judged.requires,
            },
            access: {
              permission: "service.exec",
              allowed: (perms) => {
                const now = clusterById(services.fleet, clusterId);
                return Boolean(now && canOnCluster(perms, "service.exec", now));
              },
              params: {
                task: target.taskName,
                taskId: target.taskId,
                serviceId: target.serviceId,
                node: target.node,
                clusterId,
              },
            },
          },
        };
      } catch (error) {
        slot.release();
        // The swarm's refusals and the engines' errors, answered from the one map like the API's.
        if (isClassified(error)) return { ok: false, status: answerFor(error).http, message: error.message };
        throw error;
      }
    },

    handle(socket, _req, _url, state) {
      return runConsole(services, state.slot, socket, state.actor, state.request, state.input, state.access);
    },
  };
}
