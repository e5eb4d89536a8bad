// Recreating a container, or replacing it with an edited copy, under its own name: the old one
// is stopped and renamed aside, the new one made and started under the name, and the old one
// removed only once the new one runs. When making or starting the new one fails, the new one
// is removed and the old one gets its name back (and is started again if it was running): the
// outcome says which happened. Transport-free: the router judges, audits and answers.
import { randomBytes } from "node:crypto";
import { ConflictError } from "../../core/errors";
import type { Fleet } from "../../docker/fleet";
import { createContainer, createdIdOf, inspectContainerRaw, runContainerAction } from "../../docker/index";
import type { CreateBody } from "../../workloads/container-spec";

export interface SwapRequest {
  /** the container being replaced (id or name) */
  id: string;
  /** the new container's create body (judged by the caller) */
  body: CreateBody;
  /** start the new one; usually as the old one was */
  start: boolean;
}

export interface SwapOutcome {
  id: string;
  name: string;
  oldId: string;
  /** the name the old container had while it was set aside */
  aside: string;
  warnings: string[];
}

/** A swap that did not happen; the old container is back as it was (or, rarely, is not: `restored`). */
export class SwapFailedError extends ConflictError {
  constructor(
    message: string,
    readonly restored: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Stop, rename aside, create, start, remove the old: the new container under the old name. */
export async function swapContainer(fleet: Fleet, environmentId: string, request: SwapRequest): Promise<SwapOutcome> {
  const old = await inspectContainerRaw(fleet, environmentId, request.id);
  const name = old.Name.replace(/^\//, "");
  const wasRunning = Boolean(old.State?.Running || old.State?.Paused);
  const aside = `${name}-old-${randomBytes(3).toString("hex")}`;

  if (wasRunning) await runContainerAction(fleet, environmentId, old.Id, { action: "stop" });
  await runContainerAction(fleet, environmentId, old.Id, { action: "rename", name: aside });

  /** Gives the old container its name back, started again if it ran; true when that worked. */
  const restore = async (): Promise<boolean> => {
    try {
      await runContainerAction(fleet, environmentId, old.Id, { action: "rename", name });
      if (wasRunning) await runContainerAction(fleet, environmentId, old.Id, { action: "start" });
      return true;
    } catch {
      return false;
    }
  };

  let created: Awaited<ReturnType<typeof createContainer>>;
  try {
    created = await createContainer(fleet, environmentId, { name, body: request.body, start: request.start });
  } catch (error) {
    const made = createdIdOf(error);
    if (made) {
      await runContainerAction(fleet, environmentId, made, { action: "remove", force: true }).catch(() => undefined);
    }
    const restored = await restore();
    const back = restored
      ? `${name} is back as it was${wasRunning ? " (running)" : ""}.`
      : `Giving the old container its name back failed too: it is ${aside} (${old.Id.slice(0, 12)}); rename it to ${name} by hand.`;
    const step = made ? "the new container would not start" : "the new container could not be made";
    throw new SwapFailedError(`${name} was not replaced: ${step} (${reason(error)}). ${back}`, restored, {
      cause: error,
    });
  }
  // The new one runs under the name: only now is the old one gone. Its anonymous volumes stay.
  const warnings = [...created.warnings];
  await runContainerAction(fleet, environmentId, old.Id, { action: "remove", force: true }).catch((error: unknown) => {
    warnings.push(`The old container ${aside} could not be removed (${reason(error)}); remove it by hand.`);
  });
  return { id: created.id, name: created.name, oldId: old.Id, aside, warnings };
}
