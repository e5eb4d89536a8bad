// Recreating a container, or replacing it with an edited copy, under its own name: the old one
// is stopped and renamed aside, the new one made and started under the name, and the old one
// removed only once the new one runs. When setting the old one aside, or making or starting
// the new one, fails, it is rolled back: the half-made new one removed, the old one's name
// given back and the old one started again if it was running; the error says what came back
// and what did not (a step of the rollback that fails is said, never hidden). Transport-free: the router judges, audits and answers.
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
  const act = (id: string, action: Parameters<typeof runContainerAction>[3]) =>
    runContainerAction(fleet, environmentId, id, action);

  /**
   * Undoes what was done, each step tried whatever the others did (the old one running under
   * its aside name beats a stopped one), and says what happened: what came back and what is
   * left to do by hand.
   */
  const rollBack = async (done: { renamed: boolean; made: string | null }) => {
    const failed: string[] = [];
    const made = done.made;
    const removed = made
      ? await act(made, { action: "remove", force: true }).then(
          () => true,
          (error: unknown) => {
            failed.push(
              `removing the half-made new container ${made.slice(0, 12)} failed (${reason(error)}): remove it by hand`,
            );
            return false;
          },
        )
      : false;
    let named = !done.renamed;
    if (done.renamed) {
      named = await act(old.Id, { action: "rename", name }).then(
        () => true,
        (error: unknown) => {
          failed.push(`giving ${aside} its name back failed (${reason(error)}): rename it to ${name} by hand`);
          return false;
        },
      );
    }
    let started = !wasRunning;
    if (wasRunning) {
      started = await act(old.Id, { action: "start" }).then(
        () => true,
        (error: unknown) => {
          failed.push(`starting the old container again failed (${reason(error)}): start it by hand`);
          return false;
        },
      );
    }
    if (!failed.length) {
      const also = removed ? "the new container was removed and " : "";
      return {
        restored: true,
        said: `Rolled back: ${also}${name} is back as it was${wasRunning ? " (running)" : ""}.`,
      };
    }
    const came = [
      ...(removed ? ["the new container was removed"] : []),
      ...(done.renamed && named ? [`${name} has its name back`] : []),
      ...(wasRunning && started ? [`the old container runs again${named ? "" : ` as ${aside}`}`] : []),
    ];
    const said = `Rolling back failed in part: ${failed.join("; ")}.${came.length ? ` Otherwise ${came.join(", ")}.` : ""}`;
    return { restored: false, said };
  };

  if (wasRunning) await act(old.Id, { action: "stop" });
  try {
    await act(old.Id, { action: "rename", name: aside });
  } catch (error) {
    const back = await rollBack({ renamed: false, made: null });
    throw new SwapFailedError(
      `${name} was not replaced: setting it aside as ${aside} failed (${reason(error)}). ${back.said}`,
      back.restored,
      { cause: error },
    );
  }

  let created: Awaited<ReturnType<typeof createContainer>>;
  try {
    created = await createContainer(fleet, environmentId, { name, body: request.body, start: request.start });
  } catch (error) {
    const made = createdIdOf(error);
    const back = await rollBack({ renamed: true, made: made ?? null });
    const step = made ? "the new container would not start" : "the new container could not be made";
    throw new SwapFailedError(`${name} was not replaced: ${step} (${reason(error)}). ${back.said}`, back.restored, {
      cause: error,
    });
  }
  // The new one runs under the name: only now is the old one gone. Its anonymous volumes stay.
  const warnings = [...created.warnings];
  await act(old.Id, { action: "remove", force: true }).catch((error: unknown) => {
    warnings.push(`The old container ${aside} could not be removed (${reason(error)}); remove it by hand.`);
  });
  return { id: created.id, name: created.name, oldId: old.Id, aside, warnings };
}
