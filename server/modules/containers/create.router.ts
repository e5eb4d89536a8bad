// Creating and changing containers: create from a closed schema, update restart policy and
// resources, "duplicate and edit" (an existing container as a spec), and what the form
// offers. Every door that starts or changes a workload goes through one policy function
// (server/workloads/judge.ts) on the Engine payload it is about to send.
import { containerNames } from "../../audit/names";
import { environmentName } from "../shared/environments";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { isSecretVariable, looksSecretValue } from "../../audit/redact";
import {
  containerSpec,
  envValues,
  runCli,
  specOf,
  toCreatePayload,
  toUpdateBody,
  updateCli,
  updateFields,
  checkUpdate,
  type ContainerSpec,
  type SpecOf,
} from "../../workloads/container-spec";
import { factSources, lookupFacts } from "../../workloads/facts";
import {
  describeViolations,
  holdsOn,
  judgeContainerSpec,
  judgeContainerUpdate,
  type NamedViolation,
} from "../../workloads/judge";
import {
  createContainer,
  createOptions,
  createdIdOf,
  imageConfig,
  inspectContainerRaw,
  updateContainer,
} from "../../docker/index";
import { can } from "../../rbac/permissions";
import type { Actor, Services } from "../../core/context";
import { permittedProcedure } from "../../transport/trpc/init";
import { containerRef, id } from "../../core/refs";

const containerId = containerRef;
const createInput = z.object({ environmentId: id, spec: containerSpec }).strict();

/** The one check every create makes: the spec's violations the actor's grants do not cover. */
export async function judgeCreate(services: Services, actor: Actor, environmentId: string, spec: ContainerSpec) {
  const facts = await lookupFacts(factSources(services), environmentId, {
    kind: "container.create",
    body: toCreatePayload(spec).body,
  });
  return judgeContainerSpec(spec, holdsOn(actor.permissions, environmentId), facts);
}

export function refuse(violations: NamedViolation[]): never {
  throw new TRPCError({ code: "FORBIDDEN", message: describeViolations(violations) });
}

export function refuseCollisions(collisions: string[]) {
  if (collisions.length) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The form models these; set them there, not as raw Engine fields: ${collisions.join(", ")}.`,
    });
  }
}

/**
 * Values of variables kept from the source container, read on the server at create time.
 * The caller must still be allowed to read that container, and to learn its values some other
 * way already; the values never go back out.
 */
export async function keptValues(services: Services, actor: Actor, spec: ContainerSpec): Promise<Map<string, string>> {
  const names = spec.env.filter((e) => e.fromSource).map((e) => e.name);
  if (!names.length || !spec.source) return new Map();
  const { environmentId, containerId: sourceId } = spec.source;
  if (!can(actor.permissions, "container.read", environmentId)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Keeping values from the source container needs the container.read permission on its environment.",
    });
  }
  // A value copied into a workload one controls is a value one can read (print it, send it
  // anywhere): allowed only to those who could read it in the source already, with
  // container.inspect.secrets or a console into it (container.exec shows its environment).
  if (
    !can(actor.permissions, "container.inspect.secrets", environmentId) &&
    !can(actor.permissions, "container.exec", environmentId)
  ) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message:
        `Copying ${names.join(", ")} from the source container would disclose ${names.length > 1 ? "their values" : "its value"}: ` +
        "that needs container.inspect.secrets (or container.exec) on its environment. Give new values instead.",
    });
  }
  const source = await inspectContainerRaw(services.fleet, environmentId, sourceId);
  const values = envValues(source.Config.Env);
  const missing = names.filter((n) => !values.has(n));
  if (missing.length) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The source container no longer has ${missing.join(", ")}; give ${missing.length > 1 ? "their values" : "a value"}.`,
    });
  }
  return values;
}

/**
 * A copy's spec without the command, entrypoint or labels that hold a credential (a token in an
 * argument, a password in a URL label): there is no "keep the source's value" for those, so the
 * copy goes without them and the page says so.
 */
function withholdCredentials(read: SpecOf): SpecOf {
  const spec = { ...read.spec };
  const dropped = [...read.dropped];
  for (const key of ["command", "entrypoint"] as const) {
    if (spec[key]?.some((word) => looksSecretValue(word))) {
      delete spec[key];
      dropped.push(`the ${key} (it holds a credential you may not see; give it again)`);
    }
  }
  const labels = Object.entries(spec.labels ?? {});
  const secret = labels.filter(([k, v]) => isSecretVariable(k, v)).map(([k]) => k);
  if (secret.length) {
    spec.labels = Object.fromEntries(labels.filter(([k]) => !secret.includes(k)));
    dropped.push(`labels holding a credential you may not see (${secret.join(", ")})`);
  }
  return { ...read, spec, dropped };
}

/**
 * A copy's spec without the source's published host ports: the source holds them, so a copy on
 * the same host could not start. The engine picks free ones unless the user gives their own, and
 * the page says so.
 */
function withoutHostPorts(read: SpecOf, sourceName: string): SpecOf {
  const ports = read.spec.ports ?? [];
  const held = ports.filter((p) => p.hostPort !== undefined);
  if (!held.length) return read;
  const spec = { ...read.spec, ports: ports.map(({ hostPort: _held, ...rest }) => rest) };
  const list = held.map((p) => `${p.hostPort}:${p.containerPort}${p.protocol === "tcp" ? "" : `/${p.protocol}`}`);
  return {
    ...read,
    spec,
    dropped: [
      ...read.dropped,
      `the published host ${held.length > 1 ? "ports" : "port"} ${list.join(", ")} (${sourceName} holds ${held.length > 1 ? "them" : "it"}; ` +
        "the engine picks a free one for each unless you give your own)",
    ],
  };
}

export const containerCreateProcedures = {
  /**
   * Creates (and by default starts) a container from a closed spec. The Engine payload is
   * judged by the workload policy before anything is sent; a refusal is FORBIDDEN naming the
   * fields and the permission missing, and nothing reaches the engine.
   */
  create: permittedProcedure("container.create")
    .input(createInput)
    .mutation(async ({ ctx, input }) => {
      const { environmentId, spec } = input;
      ctx.audit.target("container", null, spec.name ?? null);
      const { violations, collisions } = await judgeCreate(ctx.services, ctx.actor, environmentId, spec);
      refuseCollisions(collisions);
      if (violations.length) refuse(violations);
      const kept = await keptValues(ctx.services, ctx.actor, spec);
      const payload = toCreatePayload(spec, (name) => kept.get(name) ?? "");
      const created = await createContainer(ctx.services.fleet, environmentId, {
        name: payload.name,
        body: payload.body,
        start: spec.start,
      }).catch((error: unknown) => {
        // A container that was made but not started is still on the record.
        const made = createdIdOf(error);
        if (made) ctx.audit.target("container", made, spec.name ?? null);
        throw error;
      });
      ctx.audit.target("container", created.id, created.name);
      return {
        id: created.id,
        name: created.name,
        warnings: created.warnings,
        cli: runCli(spec, environmentName(ctx.services.fleet, environmentId)),
      };
    }),

  /**
   * What create would send and what the policy says of it for this caller, without creating
   * anything: the form's live `docker run` line and its field errors.
   */
  check: permittedProcedure("container.create")
    .input(createInput)
    .query(async ({ ctx, input }) => {
      const { environmentId, spec } = input;
      const { violations, collisions } = await judgeCreate(ctx.services, ctx.actor, environmentId, spec);
      return { cli: runCli(spec, environmentName(ctx.services.fleet, environmentId)), violations, collisions };
    }),

  /** `docker container update`: restart policy and resources, through the same policy. */
  update: permittedProcedure("container.lifecycle")
    .input(updateFields.extend({ environmentId: id, id: containerId }).strict().superRefine(checkUpdate))
    .mutation(async ({ ctx, input }) => {
      const { environmentId, id: target, ...asked } = input;
      ctx.audit.target("container", target);
      let changes = asked;
      if (asked.memoryBytes !== undefined && asked.memorySwapBytes === undefined) {
        // A new memory limit brings a swap limit with it (the engine refuses memory above the
        // old swap): twice the memory, as at create, but unlimited swap stays unlimited.
        const current = await inspectContainerRaw(ctx.services.fleet, environmentId, target);
        if (current.HostConfig?.MemorySwap === -1) changes = { ...asked, memorySwapBytes: -1 };
      }
      const body = toUpdateBody(changes);
      const facts = await lookupFacts(factSources(ctx.services), environmentId, { kind: "container.update", body });
      const violations = judgeContainerUpdate(changes, holdsOn(ctx.actor.permissions, environmentId), facts);
      if (violations.length) refuse(violations);
      const names = containerNames(ctx.services.fleet, environmentId, target);
      const { warnings } = await updateContainer(ctx.services.fleet, environmentId, target, body);
      return {
        ok: true as const,
        warnings,
        cli: updateCli(names.containerName ?? target, changes, names.environmentName),
      };
    }),

  /**
   * "Duplicate and edit": an existing container as a create spec. Secret-looking variables
   * come back as "keep the source's value" (no value) unless the caller may see secrets.
   * For a replacement (purpose "replace": the old container is stopped before the new one
   * starts) the published host ports stay; a duplicate runs beside its source, so they go.
   */
  specOf: permittedProcedure("container.read")
    .input(
      z
        .object({ environmentId: id, id: containerId, purpose: z.enum(["duplicate", "replace"]).default("duplicate") })
        .strict(),
    )
    .query(async ({ ctx, input }) => {
      const raw = await inspectContainerRaw(ctx.services.fleet, input.environmentId, input.id);
      const image = await imageConfig(ctx.services.fleet, input.environmentId, raw.Image);
      const reveal = can(ctx.actor.permissions, "container.inspect.secrets", input.environmentId);
      const read = specOf(raw, image, {
        hides: (name, value) => !reveal && isSecretVariable(name, value),
        source: { environmentId: input.environmentId, containerId: raw.Id },
      });
      const shown = reveal ? read : withholdCredentials(read);
      const result = input.purpose === "replace" ? shown : withoutHostPorts(shown, raw.Name.replace(/^\//, ""));
      // Belt and braces: nothing secret-looking leaves with a value unless it may.
      if (!reveal && result.spec.env?.some((e) => e.value !== undefined && isSecretVariable(e.name, e.value))) {
        throw new TRPCError({
          code: "INTERNAL_SERVER_ERROR",
          message: "A secret value was about to be sent; refused.",
        });
      }
      return { ...result, sourceName: raw.Name.replace(/^\//, ""), sourceId: raw.Id };
    }),

  /**
   * What the create form offers for one host: image tags, networks and volumes by name. Under
   * container.create (not image.read): whoever may create needs to pick an image, and names
   * are all this returns.
   */
  createOptions: permittedProcedure("container.create")
    .input(z.object({ environmentId: id }).strict())
    .query(({ ctx, input }) => createOptions(ctx.services.fleet, input.environmentId)),
};
