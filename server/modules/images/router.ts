// images.*: thin wiring of the contract to the domain. Each procedure's permission is in its
// builder; each mutation is on the record before it runs and answers its `docker` line.
import { can, canSomewhere } from "../../rbac/permissions";
import { drained, whileAllowed } from "../../transport/trpc/streaming";
import { revealsSecrets } from "../containers/inspect.router";
import { fleetListProcedure, environmentsInScope } from "../fleet/lists.procedure";
import { createTRPCRouter } from "../../transport/trpc/init";
import { environmentName } from "../shared/environments";
import { BadResourceInputError } from "../shared/errors";
import { resourceProcedure } from "../shared/procedure";
import {
  imageActions as actions,
  imageCli,
  imageTarget,
  pruneInput,
  pullInput,
  pushInput,
  removeInput,
  tagInput,
  transfersInput,
} from "./contract";
import { imageDetail } from "./details";
import { previewImagePrune, pruneImages } from "./prune";
import { parseReference, repositoryOf } from "./reference";
import { removeImage } from "./remove";
import { runTransfer } from "./transfer";
import { transfersOf, type TransferView } from "./transfers";

export type TransferMessage =
  { type: "snapshot"; transfers: TransferView[] } | { type: "update"; transfer: TransferView };

export const imagesRouter = createTRPCRouter({
  /** Every image on every environment one may read, from the live picture. */
  list: fleetListProcedure("images", "image.read"),

  /** One image: inspect (secret-looking values masked), layers with size and command, users. */
  get: resourceProcedure("image.read")
    .input(imageTarget)
    .query(({ ctx, input }) =>
      imageDetail(
        ctx.services.fleet,
        input.environmentId,
        input.image,
        revealsSecrets(ctx.actor.permissions, input.environmentId),
      ),
    ),

  /** Pulls onto one environment; answers when the pull has ended (follow it on `transfers`). */
  pull: resourceProcedure(actions.pull.permission)
    .input(pullInput)
    .mutation(async ({ ctx, input }) => {
      const view = await runTransfer(ctx.services, ctx.actor, { kind: "pull", ...input });
      ctx.audit.target("image", view.reference, view.reference);
      ctx.audit.patch.params = { ...input, operationId: view.id, digest: view.progress.digest ?? null };
      return { transfer: view, cli: view.cli };
    }),

  /** Pushes a tag to its registry; answers when the push has ended. */
  push: resourceProcedure(actions.push.permission)
    .input(pushInput)
    .mutation(async ({ ctx, input }) => {
      const view = await runTransfer(ctx.services, ctx.actor, { kind: "push", ...input });
      ctx.audit.target("image", view.reference, view.reference);
      ctx.audit.patch.params = { ...input, operationId: view.id, digest: view.progress.digest ?? null };
      return { transfer: view, cli: view.cli };
    }),

  tag: resourceProcedure(actions.tag.permission)
    .input(tagInput)
    .mutation(async ({ ctx, input }) => {
      const ref = parseReference(input.target);
      if (ref.digest) throw new BadResourceInputError("A tag cannot carry a digest.");
      await ctx.services.fleet.call(
        input.environmentId,
        "image tag",
        (docker) =>
          docker.getImage(input.image).tag({ repo: repositoryOf(ref), tag: ref.tag ?? "latest" }) as Promise<unknown>,
      );
      ctx.audit.target("image", input.image, input.target);
      return {
        ok: true as const,
        cli: imageCli.tag(environmentName(ctx.services.fleet, input.environmentId), input.image, input.target),
      };
    }),

  /** Refused while containers or services use it, unless forced; the refusal names them. */
  remove: resourceProcedure(actions.remove.permission)
    .input(removeInput)
    .mutation(async ({ ctx, input }) => {
      const outcome = await removeImage(ctx.services.fleet, input.environmentId, input.image, input.force);
      ctx.audit.target("image", input.image, outcome.names[0] ?? input.image);
      ctx.audit.patch.params = { ...input, untagged: outcome.untagged, deleted: outcome.deleted };
      return {
        ...outcome,
        cli: imageCli.remove(environmentName(ctx.services.fleet, input.environmentId), outcome.names, input.force),
      };
    }),

  /** What `prune` would remove now and the bytes it would free. */
  prunePreview: resourceProcedure(actions.prune.permission)
    .input(pruneInput)
    .query(({ ctx, input }) => previewImagePrune(ctx.services.fleet, input.environmentId, input.all)),

  prune: resourceProcedure(actions.prune.permission)
    .input(pruneInput)
    .mutation(async ({ ctx, input }) => {
      const result = await pruneImages(ctx.services.fleet, input.environmentId, input.all);
      ctx.audit.patch.params = { ...input, deleted: result.deleted.length, bytesFreed: result.bytesFreed };
      return { ...result, cli: imageCli.prune(environmentName(ctx.services.fleet, input.environmentId), input.all) };
    }),

  /**
   * Pulls and pushes on the environments one may read images on: first every one known (running
   * and recently finished), then each change as it happens. A page that reconnects gets the
   * whole picture again.
   */
  transfers: resourceProcedure("image.read")
    .input(transfersInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const wanted = new Set(environmentsInScope(ctx.services, ctx.scope, input?.environmentIds));
      yield* whileAllowed(
        ctx,
        signal,
        (p) => canSomewhere(p, "image.read"),
        (watch) => {
          const visible = (view: TransferView) =>
            wanted.has(view.environmentId) && can(watch.current(), "image.read", view.environmentId);
          const board = transfersOf(ctx.services.fleet);
          const queue: TransferMessage[] = [];
          return drained(watch.signal, queue, (push) => {
            const off = board.subscribe((view) => {
              if (!visible(view)) return;
              // Only the latest state of each matters to a page that reads slowly.
              const update = { type: "update", transfer: view } satisfies TransferMessage;
              const at = queue.findIndex((m) => m.type === "update" && m.transfer.id === view.id);
              if (at === -1) push(update);
              else queue[at] = update;
            });
            push({ type: "snapshot", transfers: board.list().filter(visible) });
            return off;
          });
        },
      );
    }),
});
