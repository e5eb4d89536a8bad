// Who and where the process runs: user, working directory, host name.
import { z } from "zod";
import { absolutePath, HOST_NAME } from "../fields";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const identityShape = {
  user: z.string().trim().max(256).optional(),
  workingDir: absolutePath.optional(),
  hostname: z.string().trim().regex(HOST_NAME, "A host name: letters, digits, . and -.").optional(),
};

type Slice = SpecSlice<typeof identityShape>;
type SliceInput = SpecSliceInput<typeof identityShape>;

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
    if (spec.user) draft.container.User = spec.user;
    if (spec.workingDir) draft.container.Dir = spec.workingDir;
    if (spec.hostname) draft.container.Hostname = spec.hostname;
  },
  fromService(payload) {
    const c = payload.TaskTemplate?.ContainerSpec;
    return {
      ...(c?.User ? { user: c.User } : {}),
      ...(c?.Dir ? { workingDir: c.Dir } : {}),
      ...(c?.Hostname && HOST_NAME.test(c.Hostname) ? { hostname: c.Hostname } : {}),
    };
  },
  serviceWords(spec, cli) {
    if (spec.user) cli.flag("--user", spec.user);
    if (spec.workingDir) cli.flag("--workdir", spec.workingDir);
    if (spec.hostname) cli.flag("--hostname", spec.hostname);
  },
});
