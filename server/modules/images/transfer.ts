// Pulls and pushes: the image named (on a saved registry when one is chosen, with its
// credentials), the engine's progress stream followed message by message onto the transfer
// board (transfers.ts), the outcome returned or thrown. The call that starts one lasts as
// long as the transfer, so its audit event, written before it starts, is completed with the
// outcome; pages follow the progress on the board, and pick it up again after a reload.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client";
import type { SecretBox } from "../../crypto/secret-box";
import type { Fleet } from "../../docker/index";
import { can, type EffectivePermissions } from "../../rbac/permissions";
import { encodeEngineAuth, engineAuthFor } from "../registries/registries";
import { environmentName } from "../shared/environments";
import {
  BadResourceInputError,
  engineWordsOf,
  RejectedError,
  ResourceConflictError,
  ResourceForbiddenError,
} from "../shared/errors";
import { jsonLines } from "../shared/json-lines";
import { imageCli } from "./contract";
import { applyMessage, emptyProgress, type TransferKind } from "./progress";
import {
  formatReference,
  isDockerHubHost,
  parseReference,
  ReferenceError,
  repositoryOf,
  sameRegistryHost,
  type ImageReference,
} from "./reference";
import { transfersOf, type TransferView } from "./transfers";

/** A transfer that says nothing for this long has stalled (a registry that stopped sending). */
const IDLE_MS = 5 * 60_000;

export interface TransferDeps {
  fleet: Fleet;
  prisma: PrismaClient;
  secrets: SecretBox;
}

export interface Requester {
  username: string;
  permissions: EffectivePermissions;
}

export interface TransferRequest {
  kind: TransferKind;
  environmentId: string;
  image: string;
  registryId?: string;
  operationId?: string;
}

interface Target {
  reference: string;
  repository: string;
  /** the tag, or for a pull by digest the digest */
  version: string;
  header: string;
  registryName: string | null;
}

function parsed(image: string): ImageReference {
  try {
    return parseReference(image);
  } catch (error) {
    if (error instanceof ReferenceError) throw new BadResourceInputError(error.message);
    throw error;
  }
}

/** What the engine is asked for, and with which credentials. */
async function targetOf(deps: TransferDeps, requester: Requester, request: TransferRequest): Promise<Target> {
  let ref = parsed(request.image);
  let header = encodeEngineAuth({});
  let registryName: string | null = null;
  if (request.registryId) {
    if (!can(requester.permissions, "registry.use", request.environmentId)) {
      throw new ResourceForbiddenError(
        "Using a saved registry's credentials on this environment needs the registry.use permission.",
        ["registry.use"],
      );
    }
    const auth = await engineAuthFor(deps, request.registryId);
    const host = auth.registry.host;
    if (!ref.domain) {
      if (!isDockerHubHost(host)) {
        if (request.kind === "push") {
          throw new BadResourceInputError(
            `${request.image} would go to Docker Hub. Tag it for ${auth.registry.name} first, e.g. ${host}/${ref.path}:${ref.tag ?? "latest"}.`,
          );
        }
        ref = { ...ref, domain: host };
      }
    } else if (!sameRegistryHost(ref.domain, host)) {
      throw new BadResourceInputError(`${request.image} is on ${ref.domain}, not on ${auth.registry.name} (${host}).`);
    }
    header = auth.header;
    registryName = auth.registry.name;
  }
  if (request.kind === "push" && ref.digest) throw new BadResourceInputError("Push a tag, not a digest.");
  if (!ref.tag && !ref.digest) ref = { ...ref, tag: "latest" };
  return {
    reference: formatReference(ref),
    repository: repositoryOf(ref),
    version: ref.digest ?? ref.tag ?? "latest",
    header,
    registryName,
  };
}

/** Runs a pull or push to its end; the board has every step. Resolves with the finished view. */
export async function runTransfer(
  deps: TransferDeps,
  requester: Requester,
  request: TransferRequest,
): Promise<TransferView> {
  const { fleet } = deps;
  const board = transfersOf(fleet);
  if (request.operationId && board.has(request.operationId)) {
    throw new ResourceConflictError("An operation with this id exists already: choose another.");
  }
  const target = await targetOf(deps, requester, request);
  const envName = environmentName(fleet, request.environmentId);
  const handle = board.begin({
    id: request.operationId ?? randomUUID(),
    kind: request.kind,
    environmentId: request.environmentId,
    environmentName: envName,
    reference: target.reference,
    registryName: target.registryName,
    startedBy: requester.username,
    cli: request.kind === "pull" ? imageCli.pull(envName, target.reference) : imageCli.push(envName, target.reference),
  });
  // The transfer belongs to the server, not to the page that asked: leaving does not stop it.
  const lifetime = new AbortController();
  let progress = emptyProgress();
  try {
    const stream = await fleet.openStream(
      request.environmentId,
      `image ${request.kind}`,
      (docker) =>
        request.kind === "pull"
          ? docker.createImage({ key: target.header }, { fromImage: target.repository, tag: target.version })
          : docker
              .getImage(target.repository)
              .push({ tag: target.version, authconfig: { key: target.header } } as object),
      { deadlineMs: 60_000, signal: lifetime.signal },
    );
    for await (const message of jsonLines(stream, { idleMs: IDLE_MS, signal: lifetime.signal })) {
      progress = applyMessage(progress, message);
      handle.progress(progress);
      if (progress.error) break;
    }
    if (progress.error)
      throw new RejectedError(`The engine could not ${request.kind} ${target.reference}: ${progress.error}`);
    return handle.finish();
  } catch (caught) {
    // A refusal before the stream starts (no credentials, no such image) carries the engine's
    // words only inside the library's message.
    const words = caught instanceof RejectedError ? undefined : engineWordsOf(caught);
    const error = words
      ? new RejectedError(`The engine could not ${request.kind} ${target.reference}: ${words}`, { cause: caught })
      : caught;
    handle.finish(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    lifetime.abort();
  }
}
