// Policy rules for the image section.
import "server-only";
import { isString, plain, string, type Rules } from "../policy/walk";

const image = plain((v) => isString(v) && v.length > 0, "an image reference");

export const imageRules = {
  Config: { Image: image },
  ContainerSpec: { Image: image },
  ServiceSpec: { Name: string },
} satisfies Record<string, Rules>;
