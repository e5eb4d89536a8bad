"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../trpc-errors";
import type { Viewer } from "../../auth/viewer";
import { carrySaid } from "../carried-result";
import { holdsOn } from "../holds-on";
import { useTRPC } from "../../trpc";
import { CheckboxField } from "../../ui/field";
import { ConfirmDialog } from "../../ui/confirm-dialog";

export interface Recreated {
  id: string;
  name: string;
  cli: string[];
  /** a pull that was asked for and failed: the container was recreated from the host's image */
  pullFailed: string | null;
}

/** What a recreate says: what was done (a failed pull included) and its docker lines. */
export function recreatedSaid(result: Recreated): { text: string; cli: string } {
  const text = [`Recreated ${result.name}.`, result.pullFailed ?? ""].join(" ").trim();
  return { text, cli: result.cli.join(" && ") };
}

/** What a recreate said, for the new container's page. */
export function carryRecreated(result: Recreated) {
  carrySaid(result.id, recreatedSaid(result));
}

/**
 * Recreate and Edit and replace are a create and a remove (containers.recreate and
 * containers.replace ask for both), for a container that is not being removed.
 */
export function mayRecreate(viewer: Viewer, environmentId: string, state: string): boolean {
  return (
    state !== "removing" &&
    holdsOn(viewer, "container.create", environmentId) &&
    holdsOn(viewer, "container.delete", environmentId)
  );
}

/** The create form filled from the container, to replace it with an edited copy. */
export function replaceHref(environmentId: string, containerId: string): string {
  return `/containers/new?replace=${encodeURIComponent(environmentId)}/${encodeURIComponent(containerId)}`;
}

/**
 * Recreate (containers.recreate): the same container made again under its name, the image
 * pulled first when asked. The old one goes only once the new one runs; the server says why
 * when it cannot (settings it would lose, a policy it would break, a start that failed and
 * was rolled back).
 */
export function RecreateDialog({
  environmentId,
  containerId,
  name,
  envName,
  mayPull,
  onClose,
  onRecreated,
  onWorking,
}: {
  environmentId: string;
  containerId: string;
  name: string;
  envName: string;
  mayPull: boolean;
  onClose: () => void;
  onRecreated: (result: Recreated) => void;
  /**
   * True from the moment it is asked until it fails: meanwhile the old container is renamed
   * and removed, which the page must not take for a removal by someone else.
   */
  onWorking?: (working: boolean) => void;
}) {
  const trpc = useTRPC();
  const [pull, setPull] = useState(mayPull);
  const recreate = useMutation(trpc.containers.recreate.mutationOptions());
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Recreate ${name}?`}
      confirmLabel="Recreate container"
      tone="primary"
      pending={recreate.isPending}
      error={recreate.error ? errorMessage(recreate.error) : null}
      onConfirm={() => {
        onWorking?.(true);
        recreate.mutate(
          { environmentId, id: containerId, pull: mayPull && pull },
          {
            onError: () => onWorking?.(false),
            onSuccess: (result) =>
              onRecreated({
                id: result.id,
                name: result.name,
                cli: result.cli,
                pullFailed: result.pull.asked && !result.pull.ok ? result.pull.message : null,
              }),
          },
        );
      }}
    >
      <div className="space-y-3">
        <p>
          A new container with the same configuration replaces {name} on <span className="font-medium">{envName}</span>,
          under the same name. The old one is stopped and set aside, and removed only once the new one runs; if the new
          one fails, the old one comes back.
        </p>
        <p className="text-muted">
          Its named volumes, bind mounts and networks stay. Files that lived only inside the old container, outside
          those, start fresh (the image's anonymous volumes too).
        </p>
        {mayPull ? (
          <CheckboxField
            label="Pull the image again first"
            description="If the pull fails, it is recreated from the image this host has, and you are told."
            checked={pull}
            onChange={(e) => setPull(e.target.checked)}
          />
        ) : null}
      </div>
    </ConfirmDialog>
  );
}
