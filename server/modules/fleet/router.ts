// Live changes for open pages (server-sent events): environment status changes, counts (for
// pages that ask), the live picture's object changes, and resyncs, only for environments and
// kinds the caller may read. See server/modules/fleet-changes for what each message means.
import { z } from "zod";
import {
  LOCAL_KINDS,
  SWARM_KINDS,
  type EnvironmentStatus,
  type PictureStamp,
  type ResourceKind,
} from "../../docker/index";
import { ChangeQueue, resyncFor, statusDifference, type FleetChange } from "../fleet-changes/changes";
import type { Permission } from "../../rbac/catalogue";
import { can, canSomewhere } from "../../rbac/permissions";
import type { PermissionWatch } from "../../rbac/revocation";
import { drained, whileAllowed } from "../../transport/trpc/streaming";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { environmentsInScope, fleetListInput } from "./lists.procedure";

export type { FleetChange };

const readPermission: Record<ResourceKind, Permission> = {
  containers: "container.read",
  images: "image.read",
  volumes: "volume.read",
  networks: "network.read",
  nodes: "node.read",
  services: "service.read",
  tasks: "service.read",
};

const changesInput = fleetListInput
  .unwrap()
  .extend({
    /**
     * Also send `counts` messages (Home's cards); lists hold the objects and need none. The first
     * message is then `start`, with each environment's status as the feed begins.
     */
    counts: z.boolean().optional(),
    /**
     * The kind of list the page holds: the first message is then `start`, the picture's stamps
     * of that kind per environment as the feed begins (see fleet-changes).
     */
    list: z.enum([...LOCAL_KINDS, ...SWARM_KINDS]).optional(),
    /**
     * Start with `start` and each environment's status as the feed begins, with no list and no
     * counts (the Environments page: it holds the environments alone).
     */
    statuses: z.boolean().optional(),
  })
  .optional();

export const fleetRouter = createTRPCRouter({
  changes: permittedProcedure("environment.read")
    .input(changesInput)
    .subscription(async function* ({ ctx, input, signal }) {
      // A page that asked for every environment also hears of those added after it subscribed
      // (here or through another replica); the caller's permissions decide, as for the others.
      const asked = input?.environmentIds;
      const ids = new Set(environmentsInScope(ctx.services, ctx.scope, asked));
      const wanted = (environmentId: string) => !asked || ids.has(environmentId);
      // Each change is filtered by the caller's permissions as they are now, not at subscribe time.
      yield* whileAllowed(ctx, signal, (p) => canSomewhere(p, "environment.read"), changes);
      function changes(watch: PermissionWatch) {
        return drained(watch.signal, new ChangeQueue(), (push) => {
          const offStatus = ctx.services.fleet.onStatus((status, previous) => {
            const environmentId = status.environmentId;
            if (!wanted(environmentId) || !can(watch.current(), "environment.read", environmentId)) return;
            const moved = statusDifference(status, previous);
            if (moved.status) push({ type: "status", status });
            else if (moved.counts && input?.counts) push({ type: "counts", environmentId, counts: status.counts });
          });
          const offPicture = ctx.services.fleet.subscribe(
            (events) => {
              const perms = watch.current();
              const visible = events.filter((e) =>
                "kind" in e
                  ? can(perms, readPermission[e.kind], e.environmentId)
                  : can(perms, "environment.read", e.environmentId),
              );
              if (!visible.length) return;
              push({ type: "picture", events: visible });
              const reread = resyncFor(visible);
              if (reread.length) push({ type: "resync", environmentIds: reread });
            },
            asked ? ids : undefined,
          );
          // Taken right after subscribing, in the same step: every change after these stamps
          // and statuses reaches the page as a message after this one.
          const list = input?.list;
          if (list || input?.counts || input?.statuses) {
            const perms = watch.current();
            const stamps: Record<string, PictureStamp> = {};
            const statuses: EnvironmentStatus[] = [];
            for (const environmentId of environmentsInScope(ctx.services, ctx.scope, asked)) {
              if (!can(perms, "environment.read", environmentId)) continue;
              const status = ctx.services.fleet.status(environmentId);
              if (status) statuses.push(status);
              if (list && can(perms, readPermission[list], environmentId))
                stamps[environmentId] = ctx.services.fleet.picture.stamp(environmentId, list);
            }
            push({ type: "start", stamps, statuses });
          }
          return () => {
            offStatus();
            offPicture();
          };
        });
      }
    }),
});
