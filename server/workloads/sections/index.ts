// The sections a container and a service are both made of (after the image, and for a
// service its mode), in the order `docker run` and `docker service create` write their flags:
// the command section writes --entrypoint and the arguments after the image, so it is last.
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
