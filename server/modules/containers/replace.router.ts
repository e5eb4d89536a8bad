// containers.recreate (same configuration, the image pulled again) and containers.replace (an
// edited copy, from the create form prefilled with the container): the new container takes
// the old one's name, and the old one goes only once the new one runs (replace.ts). Each is a
// create and a remove, so it needs container.create and container.delete on the environment,
// and the new container is judged by the same policy as a create (a recreate cannot give a
// container more than its recreator may create). Audited with the docker lines it equals.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { maskCommandWords, maskLabelValues } from "../../audit/mask";
import { isSecretVariable } from "../../audit/redact";
import type { Actor, Services } from "../../core/context";
import { containerRef, id } from "../../core/refs";
import { imageConfig, inspectContainerRaw } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import { can } from "../../rbac/permissions";
import { permittedProcedure } from "../../transport/trpc/init";
import {
  containerSpec,
  envValues,
  runCli,
  specOf,
  toCreatePayload,
  type ContainerSpec,
} from "../../workloads/container-spec";
import { runTransfer } from "../images/transfer";
import { dockerLine } from "../shared/cli";
import { environmentName } from "../shared/environments";
import { judgeCreate, keptValues, refuse, refuseCollisions } from "./create.router";
import { swapContainer } from "./replace";

/**
 * A recreate carries the container's secret-looking values into whatever image its reference
 * names now. Moving them into another image is a way to read them (an image that prints its
 * environment, tagged under the reference by someone with image.pull), so it needs what reading
 * them needs, as keptValues asks for a duplicate: container.inspect.secrets or container.exec.
 */
async function refuseMovedSecrets(
  services: Services,
  actor: Actor,
  environmentId: string,
  runningImageId: string,
  reference: string,
  secretNames: readonly string[],
) {
  if (!secretNames.length) return;
  if (can(actor.permissions, "container.inspect.secrets", environmentId)) return;
  if (can(actor.permissions, "container.exec", environmentId)) return;
  const now = await services.fleet.call(environmentId, "image inspect", (docker) =>
    docker.getImage(reference).inspect(),
  );
  if (now.Id === runningImageId) return;
  throw new TRPCError({
    code: "FORBIDDEN",
    message:
      `${reference} now names another image than the container runs; recreating it there would move ` +
      `${secretNames.join(", ")} into that image, which needs container.inspect.secrets (or container.exec) on this environment.`,
  });
}

/** Besides the procedure's own container.create: what else a swap does needs its permission too. */
function requireAlso(actor: Actor, environmentId: string, permission: Permission, why: string) {
  if (!can(actor.permissions, permission, environmentId)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `${why} needs the ${permission} permission on this environment.`,
    });
  }
}

/**
 * The `docker run` line a swap equals, as the page shows it and the record keeps it: no
 * credential in it, whoever asks. Secret-looking variables are written "$NAME" (typed or kept),
 * and command words and labels that hold a credential are masked, as the lists mask them (the
 * record is read by audit.read, the page by people who may not see the container's secrets).
 */
function shownRunLine(spec: ContainerSpec, env: string | null): string {
  const shown: ContainerSpec = {
    ...spec,
    command: spec.command && maskCommandWords(spec.command),
    entrypoint: spec.entrypoint && maskCommandWords(spec.entrypoint),
    labels: spec.labels && maskLabelValues(spec.labels),
    env: spec.env.map((e) =>
      e.value !== undefined && isSecretVariable(e.name, e.value) ? { name: e.name, fromSource: true as const } : e,
    ),
  };
  return runCli(shown, env);
}

/** The lines a swap equals, for the record and the page. */
function swapLines(env: string | null, name: string, aside: string, run: string, wasRunning: boolean) {
  return [
    ...(wasRunning ? [dockerLine(env, ["stop", name])] : []),
    dockerLine(env, ["rename", name, aside]),
    run,
    dockerLine(env, ["rm", aside]),
  ];
}

export const containerReplaceProcedures = {
  /**
   * Recreate: the container's own configuration (as the create form reads it), the image
   * pulled again first when asked (a failed pull goes on with the image the host has, and
   * says so), same name, networks and mounts; started if it was running.
   */
  recreate: permittedProcedure("container.create")
    .input(z.object({ environmentId: id, id: containerRef, pull: z.boolean().default(false) }).strict())
    .mutation(async ({ ctx, input }) => {
      const { environmentId } = input;
      const { fleet } = ctx.services;
      const raw = await inspectContainerRaw(fleet, environmentId, input.id);
      requireAlso(ctx.actor, environmentId, "container.delete", "Recreating a container (it removes the old one)");
      if (input.pull) requireAlso(ctx.actor, environmentId, "image.pull", "Pulling the image again");
      const name = raw.Name.replace(/^\//, "");
      ctx.audit.target("container", raw.Id, name);
      const image = await imageConfig(fleet, environmentId, raw.Image);
      // Secret-looking values are kept from the container itself: they never reach the line.
      const read = specOf(raw, image, {
        hides: (n, v) => isSecretVariable(n, v),
        source: { environmentId, containerId: raw.Id },
      });
      if (read.dropped.length) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `Recreating ${name} would lose ${read.dropped.join("; ")}. Use "Replace with an edited copy" to decide.`,
        });
      }
      const wasRunning = Boolean(raw.State?.Running || raw.State?.Paused);
      // A container made elsewhere may hold more than the form allows (more variables, say).
      const parsed = containerSpec.safeParse({ ...read.spec, name, start: wasRunning });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `${name} cannot be recreated as it is: ${issue ? `${issue.path.join(".") || "its settings"}: ${issue.message}` : "its settings are out of bounds"}.`,
        });
      }
      const spec: ContainerSpec = parsed.data;
      const { violations, collisions } = await judgeCreate(ctx.services, ctx.actor, environmentId, spec);
      refuseCollisions(collisions);
      if (violations.length) refuse(violations);
      const values = envValues(raw.Config.Env);
      const payload = toCreatePayload(spec, (n) => values.get(n) ?? "");
      const env = environmentName(fleet, environmentId);
      const pulled = { asked: input.pull, ok: false, message: null as string | null };
      if (input.pull) {
        try {
          await runTransfer(ctx.services, ctx.actor, { kind: "pull", environmentId, image: spec.image });
          pulled.ok = true;
        } catch (error) {
          pulled.message = `Pulling ${spec.image} failed (${error instanceof Error ? error.message : String(error)}); recreated with the image this host has.`;
        }
      }
      await refuseMovedSecrets(ctx.services, ctx.actor, environmentId, raw.Image, spec.image, read.kept);
      const outcome = await swapContainer(fleet, environmentId, { id: raw.Id, body: payload.body, start: wasRunning });
      const cli = [
        ...(input.pull ? [dockerLine(env, ["pull", spec.image])] : []),
        ...swapLines(env, name, outcome.aside, shownRunLine(spec, env), wasRunning),
      ];
      ctx.audit.target("container", outcome.id, name);
      ctx.audit.patch.params = { ...input, oldId: raw.Id, pulled: pulled.ok, cli };
      return { id: outcome.id, name, oldId: raw.Id, warnings: outcome.warnings, pull: pulled, cli };
    }),

  /**
   * Replace with an edited copy: the create form's spec (prefilled by `specOf`), made under the
   * old container's name once the old one is stopped and set aside.
   */
  replace: permittedProcedure("container.create")
    .input(z.object({ environmentId: id, id: containerRef, spec: containerSpec }).strict())
    .mutation(async ({ ctx, input }) => {
      const { environmentId } = input;
      const { fleet } = ctx.services;
      const raw = await inspectContainerRaw(fleet, environmentId, input.id);
      requireAlso(ctx.actor, environmentId, "container.delete", "Replacing a container (it removes the old one)");
      const name = raw.Name.replace(/^\//, "");
      ctx.audit.target("container", raw.Id, name);
      if (input.spec.name !== undefined && input.spec.name !== name) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `A replacement keeps the name ${name}; rename it afterwards, or duplicate it instead.`,
        });
      }
      const spec: ContainerSpec = { ...input.spec, name };
      const { violations, collisions } = await judgeCreate(ctx.services, ctx.actor, environmentId, spec);
      refuseCollisions(collisions);
      if (violations.length) refuse(violations);
      const kept = await keptValues(ctx.services, ctx.actor, spec);
      const payload = toCreatePayload(spec, (n) => kept.get(n) ?? "");
      const wasRunning = Boolean(raw.State?.Running || raw.State?.Paused);
      const outcome = await swapContainer(fleet, environmentId, { id: raw.Id, body: payload.body, start: spec.start });
      const env = environmentName(fleet, environmentId);
      const cli = swapLines(env, name, outcome.aside, shownRunLine(spec, env), wasRunning);
      ctx.audit.target("container", outcome.id, name);
      ctx.audit.patch.params = { environmentId, id: input.id, oldId: raw.Id, cli };
      return { id: outcome.id, name, oldId: raw.Id, warnings: outcome.warnings, cli };
    }),
};
