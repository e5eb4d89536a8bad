// One image on one environment: what the engine says of it (inspect, trimmed), its layers with
// the size and command of each (history), and what uses it. Credentials baked into the image
// (variables, build commands, its command, labels) are masked as they are for containers.
import { maskCommandLine, maskCommandWords, maskLabelValues } from "../../audit/mask";
import type { Fleet } from "../../docker/index";
import { maskEnvEntries } from "../containers/inspect.router";
import { usersFrom, workloadsOf, type ImageUsers } from "./users";

export interface ImageLayer {
  /** the image id of that step, when it is an image of its own on this engine */
  id: string | null;
  created: number;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[];
}

export interface ImageDetail {
  id: string;
  tags: string[];
  digests: string[];
  created: string;
  size: number;
  architecture: string;
  os: string;
  author: string;
  comment: string;
  dockerVersion: string;
  parent: string;
  config: {
    env: string[];
    cmd: string[];
    entrypoint: string[];
    workingDir: string;
    user: string;
    exposedPorts: string[];
    volumes: string[];
    labels: Record<string, string>;
    stopSignal: string;
  };
  /** the content layers' digests (RootFS.Layers) */
  rootLayers: string[];
  history: ImageLayer[];
  users: ImageUsers;
  secretsRevealed: boolean;
  /** the inspect document as the engine sent it, with secret-looking values masked */
  raw: Record<string, unknown>;
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export async function imageDetail(
  fleet: Fleet,
  environmentId: string,
  image: string,
  revealSecrets: boolean,
): Promise<ImageDetail> {
  const [inspect, history, workloads] = await Promise.all([
    fleet.call(environmentId, "image inspect", (docker) => docker.getImage(image).inspect() as Promise<unknown>),
    fleet.call(environmentId, "image history", (docker) => docker.getImage(image).history() as Promise<unknown>),
    workloadsOf(fleet, environmentId),
  ]);
  const i = rec(inspect);
  const config = rec(i.Config);
  const env = maskEnvEntries(strs(config.Env), revealSecrets);
  // Build commands, the image's command and its labels can carry credentials too (`ENV TOKEN=…`
  // and `RUN … --password=…` in the history, a token in a LABEL): masked as a container's are.
  const words = (value: unknown) => (revealSecrets ? strs(value) : maskCommandWords(strs(value)));
  const line = (value: unknown) => (revealSecrets ? str(value) : maskCommandLine(str(value)));
  const stringLabels = Object.fromEntries(
    Object.entries(rec(config.Labels)).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;
  const labels = revealSecrets ? stringLabels : maskLabelValues(stringLabels);
  const tags = strs(i.RepoTags).filter((t) => t !== "<none>:<none>");
  const digests = strs(i.RepoDigests).filter((d) => d !== "<none>@<none>");
  const id = str(i.Id);
  return {
    id,
    tags,
    digests,
    created: str(i.Created),
    size: num(i.Size),
    architecture: str(i.Architecture),
    os: str(i.Os),
    author: str(i.Author),
    comment: str(i.Comment),
    dockerVersion: str(i.DockerVersion),
    parent: str(i.Parent),
    config: {
      env,
      cmd: words(config.Cmd),
      entrypoint: words(config.Entrypoint),
      workingDir: str(config.WorkingDir),
      user: str(config.User),
      exposedPorts: Object.keys(rec(config.ExposedPorts)),
      volumes: Object.keys(rec(config.Volumes)),
      labels,
      stopSignal: str(config.StopSignal),
    },
    rootLayers: strs(rec(i.RootFS).Layers),
    history: (Array.isArray(history) ? history : []).map((raw) => {
      const h = rec(raw);
      const layerId = str(h.Id);
      return {
        id: layerId && layerId !== "<missing>" ? layerId : null,
        created: num(h.Created),
        createdBy: line(h.CreatedBy),
        size: num(h.Size),
        comment: str(h.Comment),
        tags: strs(h.Tags).filter((t) => t !== "<none>:<none>"),
      };
    }),
    users: usersFrom(id, { tags, digests }, workloads.containers, workloads.services),
    secretsRevealed: revealSecrets,
    raw: {
      ...i,
      Config: {
        ...config,
        Env: env,
        ...(config.Cmd ? { Cmd: words(config.Cmd) } : {}),
        ...(config.Entrypoint ? { Entrypoint: words(config.Entrypoint) } : {}),
        ...(config.Labels ? { Labels: labels } : {}),
      },
      ...(i.ContainerConfig
        ? {
            ContainerConfig: {
              ...rec(i.ContainerConfig),
              Env: maskEnvEntries(strs(rec(i.ContainerConfig).Env), revealSecrets),
              Cmd: words(rec(i.ContainerConfig).Cmd),
              Entrypoint: words(rec(i.ContainerConfig).Entrypoint),
              Labels: revealSecrets
                ? rec(i.ContainerConfig).Labels
                : maskLabelValues(
                    Object.fromEntries(
                      Object.entries(rec(rec(i.ContainerConfig).Labels)).filter(([, v]) => typeof v === "string"),
                    ) as Record<string, string>,
                  ),
            },
          }
        : {}),
    },
  };
}
