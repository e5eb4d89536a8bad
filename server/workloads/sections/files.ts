// Swarm secrets and configs a service's tasks get as files: by name (the caller resolves
// the name to the object's ID, as the CLI does), with the file's name, owner and mode.
// Their contents have permissions of their own. Service only.
import { z } from "zod";
import { listChangeWords } from "../cli";
import { defined, list, num, rec, str } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

const fileRef = z
  .object({
    name: z.string().trim().regex(OBJECT_NAME, "A secret or config name: letters, digits, _ . and -."),
    /** file name in the container (secrets: under /run/secrets; configs: an absolute path or a name) */
    target: z.string().trim().min(1).max(4096).optional(),
    uid: z.string().trim().regex(/^\d+$/, "A numeric user id.").optional(),
    gid: z.string().trim().regex(/^\d+$/, "A numeric group id.").optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
  })
  .strict();
type FileRef = z.output<typeof fileRef>;

export const filesShape = {
  secrets: z.array(fileRef).max(64).default([]),
  configs: z.array(fileRef).max(64).default([]),
};

type Slice = SpecSlice<typeof filesShape>;

/** [spec key, ContainerSpec key, the ID and name keys inside, flag] */
const KINDS = [
  ["secrets", "Secrets", "SecretID", "SecretName", "secret"],
  ["configs", "Configs", "ConfigID", "ConfigName", "config"],
] as const;

/** `source=db,target=pw,uid=1,gid=1,mode=0400`, or just the name (--secret, --config) */
function fileWord(f: FileRef): string {
  const parts = [`source=${f.name}`];
  if (f.target) parts.push(`target=${f.target}`);
  if (f.uid) parts.push(`uid=${f.uid}`);
  if (f.gid) parts.push(`gid=${f.gid}`);
  if (f.mode !== undefined) parts.push(`mode=0${f.mode.toString(8)}`);
  return parts.length === 1 ? f.name : parts.join(",");
}

export const filesSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof filesShape>>({
  name: "files",
  serviceFields: { "TaskTemplate.ContainerSpec.Secrets": "secrets", "TaskTemplate.ContainerSpec.Configs": "configs" },
  serviceModelled: ["TaskTemplate.ContainerSpec.Secrets", "TaskTemplate.ContainerSpec.Configs"],

  toService(spec, draft) {
    for (const [key, engineKey, idKey, nameKey, kind] of KINDS) {
      if (!spec[key].length) continue;
      draft.container[engineKey] = spec[key].map((f) => ({
        File: { Name: f.target ?? f.name, UID: f.uid ?? "0", GID: f.gid ?? "0", Mode: f.mode ?? 0o444 },
        [idKey]: draft.refs[kind](f.name),
        [nameKey]: f.name,
      }));
    }
  },
  // The defaults a file gets (its name, root, 0444) are left out.
  fromService(payload) {
    const c = rec(rec(payload.TaskTemplate).ContainerSpec);
    const read = (entries: unknown, nameKey: string) =>
      list(entries)
        .map(rec)
        .map((r) => {
          const file = rec(r.File);
          const name = str(r[nameKey]) ?? "";
          return defined({
            name,
            target: str(file.Name) && str(file.Name) !== name ? str(file.Name) : undefined,
            uid: str(file.UID) && str(file.UID) !== "0" ? str(file.UID) : undefined,
            gid: str(file.GID) && str(file.GID) !== "0" ? str(file.GID) : undefined,
            mode: num(file.Mode) !== undefined && num(file.Mode) !== 0o444 ? num(file.Mode) : undefined,
          });
        });
    return { secrets: read(c.Secrets, "SecretName"), configs: read(c.Configs, "ConfigName") };
  },
  serviceWords(spec, words) {
    for (const [key, , , , flag] of KINDS) for (const f of spec[key]) words.flag(`--${flag}`, fileWord(f));
  },
  serviceUpdateWords(before, after, words) {
    for (const [key, , , , flag] of KINDS) {
      words.push(
        ...listChangeWords(before[key], after[key], flag, {
          key: (f) => JSON.stringify(f),
          rm: (f) => f.name,
          add: fileWord,
        }),
      );
    }
  },
});
