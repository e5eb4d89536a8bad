// Live changes for open pages (server-sent events): environment status changes and the live
// picture's object changes, only for environments and kinds the caller may read. A page
// hears an engine event within about a second, without polling.
import type { EnvironmentStatus, PictureEvent, ResourceKind } from "../docker/index";
import type { Permission } from "../rbac/catalogue";
import { can, canSomewhere } from "../rbac/permissions";
import { watchPermission } from "../rbac/revocation";
import { createTRPCRouter, permittedProcedure } from "../trpc/init";
import { environmentsInScope, fleetListInput } from "./fleet-lists";

const readPermission: Record<ResourceKind, Permission> = {
  containers: "container.read",
  images: "image.read",
  volumes: "volume.read",
  networks: "network.read",
  nodes: "node.read",
  services: "service.read",
  tasks: "service.read",
};

export type FleetChange = { type: "status"; status: EnvironmentStatus } | { type: "picture"; events: PictureEvent[] };

export const fleetRouter = createTRPCRouter({
  changes: permittedProcedure("environment.read")
    .input(fleetListInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const ids = new Set(environmentsInScope(ctx.services, ctx.scope, input?.environmentIds));
      // Each change is filtered by the caller's permissions as they are now, not at subscribe time.
      const watch = watchPermission(
        ctx.services.prisma,
        ctx.actor,
        ctx.actor.permissions,
        (p) => canSomewhere(p, "environment.read"),
        signal,
      );
      const live = watch.signal;
      const queue: FleetChange[] = [];
      let wake: (() => void) | undefined;
      const push = (change: FleetChange) => {
        // A page that stopped reading must not grow the server's memory without bound.
        if (queue.length > 5000) queue.splice(0, queue.length - 2500);
        queue.push(change);
        wake?.();
      };
      const offStatus = ctx.services.fleet.onStatus((status) => {
        if (ids.has(status.environmentId) && can(watch.current(), "environment.read", status.environmentId)) {
          push({ type: "status", status });
        }
      });
      const offPicture = ctx.services.fleet.subscribe((events) => {
        const perms = watch.current();
        const visible = events.filter((e) =>
          "kind" in e
            ? can(perms, readPermission[e.kind], e.environmentId)
            : can(perms, "environment.read", e.environmentId),
        );
        if (visible.length) push({ type: "picture", events: visible });
      }, ids);
      const onAbort = () => wake?.();
      live.addEventListener("abort", onAbort, { once: true });
      try {
        while (!live.aborted) {
          if (!queue.length) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
          while (queue.length) yield queue.shift()!;
        }
      } finally {
        live.removeEventListener("abort", onAbort);
        watch.stop();
        offStatus();
        offPicture();
      }
    }),
});
