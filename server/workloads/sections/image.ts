// Image and name: what runs, and what it is called. A container may be created without
// starting it (docker create).
import { z } from "zod";
import { containerName } from "../fields";
import { str, rec } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const imageReference = z
  .string()
  .trim()
  .min(1, "Choose an image.")
  .max(512)
  .regex(/^[^\s]+$/, "An image reference has no spaces.");

/** swarmkit's rule for service names: a DNS label (letters, digits, - and _ inside), at most 63. */
export const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$/;
export const serviceName = z
  .string()
  .trim()
  .min(1, "A service needs a name.")
  .max(63, "A service name has at most 63 characters.")
  .regex(SERVICE_NAME, "Use letters, digits, - and _, starting and ending with a letter or digit.");

export const imageShape = {
  image: imageReference,
  name: containerName.optional(),
  /** start it once created (docker run), or only create it (docker create) */
  start: z.boolean().default(true),
};
export const serviceImageShape = {
  name: serviceName,
  image: imageReference,
};

type Container = SpecSlice<typeof imageShape>;
type Service = SpecSlice<typeof serviceImageShape>;

export const imageSection = defineSection<
  Container,
  Service,
  SpecSliceInput<typeof imageShape>,
  SpecSliceInput<typeof serviceImageShape>
>({
  name: "image",
  modelled: { Config: ["Image"] },
  fields: { Image: "image" },
  serviceFields: { "TaskTemplate.ContainerSpec.Image": "image", Name: "name" },

  toContainer(spec, draft) {
    draft.body.Image = spec.image;
    if (spec.name) draft.name = spec.name;
  },
  fromContainer({ inspect, config }) {
    return { image: config.Image, name: `${inspect.Name.replace(/^\//, "")}-copy`.slice(0, 128), start: true };
  },
  runWords(spec, cli) {
    if (spec.name) cli.flag("--name", spec.name);
    cli.image = spec.image;
  },

  toService(spec, draft) {
    draft.spec.Name = spec.name;
    draft.container.Image = spec.image;
  },
  fromService(payload) {
    return { name: str(payload.Name) ?? "", image: str(rec(rec(payload.TaskTemplate).ContainerSpec).Image) ?? "" };
  },
  serviceWords(spec, words) {
    words.flag("--name", spec.name);
    words.image = spec.image;
  },
  serviceUpdateWords(before, after, words) {
    if (before.image !== after.image) words.push("--image", after.image);
  },
});
