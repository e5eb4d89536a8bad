// Removing an image, refused while containers or services use it unless forced, naming them.
// Given a reference that is one of several tags, only that tag goes (as `docker image rm`
// does); given an id, the whole image with every tag.
import type { Fleet } from "../../docker/index";
import { InUseError } from "../shared/errors";
import { describeUsers, usersFrom, workloadsOf } from "./users";

export interface RemoveOutcome {
  untagged: string[];
  deleted: string[];
  /** the names the command line gives */
  names: string[];
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function outcomeOf(answers: unknown[]): Omit<RemoveOutcome, "names"> {
  const untagged: string[] = [];
  const deleted: string[] = [];
  for (const answer of answers.flat()) {
    const a = rec(answer);
    if (typeof a.Untagged === "string") untagged.push(a.Untagged);
    if (typeof a.Deleted === "string") deleted.push(a.Deleted);
  }
  return { untagged, deleted };
}

export async function removeImage(
  fleet: Fleet,
  environmentId: string,
  image: string,
  force: boolean,
): Promise<RemoveOutcome> {
  const inspect = rec(
    await fleet.call(environmentId, "image inspect", (docker) => docker.getImage(image).inspect() as Promise<unknown>),
  );
  const id = typeof inspect.Id === "string" ? inspect.Id : image;
  const tags = strs(inspect.RepoTags).filter((t) => t !== "<none>:<none>");
  const digests = strs(inspect.RepoDigests);
  const byTag = tags.includes(image) || tags.includes(`${image}:latest`);
  if (byTag && tags.length > 1) {
    // One name of several: the image stays, whoever uses it.
    const answer = await fleet.call(
      environmentId,
      "image untag",
      (docker) => docker.getImage(image).remove() as Promise<unknown>,
    );
    return { ...outcomeOf([answer]), names: [image] };
  }
  const { containers, services } = await workloadsOf(fleet, environmentId, { live: true });
  const users = usersFrom(id, { tags, digests }, containers, services);
  const named = tags.length ? tags : [id.replace(/^sha256:/, "").slice(0, 12)];
  if (!force && (users.containers.length || users.services.length)) {
    throw new InUseError(
      `The image ${named[0]}`,
      describeUsers(users),
      "Remove them first, or force the removal (the image's tags go; a running container keeps using its layers).",
    );
  }
  if (force) {
    const answer = await fleet.call(
      environmentId,
      "image remove",
      (docker) => docker.getImage(id).remove({ force: true }) as Promise<unknown>,
    );
    return { ...outcomeOf([answer]), names: named };
  }
  // Every tag by name, as `docker image rm a:1 a:2` does: the last one takes the image.
  const answers: unknown[] = [];
  for (const name of tags.length ? tags : [id]) {
    answers.push(
      await fleet.call(environmentId, "image remove", (docker) => docker.getImage(name).remove() as Promise<unknown>),
    );
  }
  return { ...outcomeOf(answers), names: named };
}
