// Who and where the process runs: user, working directory, host name.
import { z } from "zod";
import { absolutePath, HOST_NAME } from "../fields";
import { defined, rec, str } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const identityShape = {
  user: z.string().trim().max(256).optional(),
  workingDir: absolutePath.optional(),
  hostname: z.string().trim().regex(HOST_NAME, "A host name: letters, digits, . and -.").optional(),
};

/** A service's host name may be a template (`{{.Task.Slot}}`): each task gets its own. */
export const serviceIdentityShape = {
  ...identityShape,
  hostname: z
    .string()
    .trim()
    .max(255)
    .regex(/^[a-zA-Z0-9{][a-zA-Z0-9.{}_ -]*$/, "A host name (templates like {{.Task.Slot}} allowed).")
    .optional(),
};

type Slice = SpecSlice<typeof identityShape>;
type SliceInput = SpecSliceInput<typeof identityShape>;

/** [spec key, ContainerSpec key, flag], for services */
const SERVICE_IDENTITY = [
  ["user", "User", "--user"],
  ["workingDir", "Dir", "--workdir"],
  ["hostname", "Hostname", "--hostname"],
] as const;

export const identitySection = defineSection<Slice, Slice, SliceInput, SliceInput>({
  name: "identity",
  modelled: { Config: ["User", "WorkingDir", "Hostname"] },
  fields: { User: "user", WorkingDir: "workingDir", Hostname: "hostname" },
  serviceFields: {
    "TaskTemplate.ContainerSpec.User": "user",
    "TaskTemplate.ContainerSpec.Dir": "workingDir",
    "TaskTemplate.ContainerSpec.Hostname": "hostname",
  },

  toContainer(spec, draft) {
    if (spec.user) draft.body.User = spec.user;
    if (spec.workingDir) draft.body.WorkingDir = spec.workingDir;
    if (spec.hostname) draft.body.Hostname = spec.hostname;
  },
  fromContainer({ inspect, config, image }) {
    const out: SliceInput = {};
    if (config.User && config.User !== (image?.User ?? "")) out.user = config.User;
    if (config.WorkingDir && config.WorkingDir !== (image?.WorkingDir ?? "")) out.workingDir = config.WorkingDir;
    // The engine names a container's host after its short id unless told otherwise.
    if (config.Hostname && config.Hostname !== inspect.Id.slice(0, 12) && HOST_NAME.test(config.Hostname)) {
      out.hostname = config.Hostname;
    }
    return out;
  },
  notCarried({ host }) {
    return host.GroupAdd?.length ? ["extra groups"] : [];
  },
  runWords(spec, cli) {
    if (spec.user) cli.flag("--user", spec.user);
    if (spec.workingDir) cli.flag("--workdir", spec.workingDir);
    if (spec.hostname) cli.flag("--hostname", spec.hostname);
  },

  toService(spec, draft) {
    for (const [key, engineKey] of SERVICE_IDENTITY) if (spec[key]) draft.container[engineKey] = spec[key];
  },
  fromService(payload) {
    const c = rec(rec(payload.TaskTemplate).ContainerSpec);
    return defined({
      user: str(c.User) || undefined,
      workingDir: str(c.Dir) || undefined,
      hostname: str(c.Hostname) || undefined,
    });
  },
  serviceWords(spec, words) {
    for (const [key, , flag] of SERVICE_IDENTITY) if (spec[key]) words.flag(flag, spec[key]);
  },
  serviceUpdateWords(before, after, words) {
    for (const [key, , flag] of SERVICE_IDENTITY) {
      if ((before[key] ?? "") !== (after[key] ?? "")) words.push(flag, after[key] ?? "");
    }
  },
});
