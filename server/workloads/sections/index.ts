// The sections a container is made of after its image, in the order `docker run` writes their
// flags: the command section writes --entrypoint and the arguments after the image, so it is
// last. A service is made of these too (and of its own: mode, placement, rollout, files, stop,
// endpoint), in the order service-spec.ts gives.
import { commandSection } from "./command";
import { envSection } from "./env";
import { healthcheckSection } from "./healthcheck";
import { hostAccessSection } from "./host-access";
import { identitySection } from "./identity";
import { labelsSection } from "./labels";
import { mountsSection } from "./mounts";
import { networksSection } from "./networks";
import { portsSection } from "./ports";
import { resourcesSection } from "./resources";
import { restartSection } from "./restart";

export const WORKLOAD_SECTIONS = [
  restartSection,
  portsSection,
  mountsSection,
  networksSection,
  envSection,
  labelsSection,
  identitySection,
  resourcesSection,
  healthcheckSection,
  hostAccessSection,
  commandSection,
] as const;
