// What a pull or push has done so far, from the engine's JSON progress messages: one entry per
// layer (its phase and bytes) and the overall fraction. Pure and shared with the pages.

export type TransferKind = "pull" | "push";

export type LayerPhase = "waiting" | "downloading" | "verifying" | "extracting" | "pushing" | "done";

export interface LayerProgress {
  id: string;
  phase: LayerPhase;
  /** the engine's own words: "Downloading", "Already exists", "Mounted from team/base" */
  status: string;
  /** bytes of the current phase done, and of the phase in all (0 when the engine did not say) */
  current: number;
  total: number;
}

export interface TransferProgress {
  layers: LayerProgress[];
  /** the last thing the engine said that was not about one layer */
  status: string;
  /** the manifest digest, once the engine named it */
  digest?: string;
  /** the engine's error, which ends the transfer */
  error?: string;
}

/** One line of the engine's progress stream (pull, push, load). */
export interface EngineMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  stream?: string;
}

const PHASES: Record<string, LayerPhase> = {
  "Pulling fs layer": "waiting",
  Waiting: "waiting",
  Preparing: "waiting",
  Downloading: "downloading",
  "Verifying Checksum": "verifying",
  "Download complete": "verifying",
  Extracting: "extracting",
  "Pull complete": "done",
  "Already exists": "done",
  Pushing: "pushing",
  Pushed: "done",
  "Layer already exists": "done",
};

function phaseOf(status: string): LayerPhase | undefined {
  return PHASES[status] ?? (status.startsWith("Mounted from") ? "done" : undefined);
}

export function emptyProgress(): TransferProgress {
  return { layers: [], status: "" };
}

/** The progress after one message (a new object; the layers that did not change are kept). */
export function applyMessage(progress: TransferProgress, message: EngineMessage): TransferProgress {
  const error = message.errorDetail?.message ?? message.error;
  if (error) return { ...progress, error };
  if (message.aux?.Digest) return { ...progress, digest: message.aux.Digest };
  const status = message.status ?? "";
  const phase = phaseOf(status);
  if (message.id && phase) {
    const detail = message.progressDetail ?? {};
    const at = progress.layers.findIndex((l) => l.id === message.id);
    const before = at === -1 ? undefined : progress.layers[at];
    // Between phases the engine sends no numbers: keep the bar where it was.
    const keepNumbers = before && before.phase === phase && detail.total === undefined;
    const layer: LayerProgress = {
      id: message.id,
      phase,
      status,
      current: keepNumbers ? before.current : (detail.current ?? 0),
      total: keepNumbers ? before.total : (detail.total ?? 0),
    };
    const layers = at === -1 ? [...progress.layers, layer] : progress.layers.map((l, i) => (i === at ? layer : l));
    return { ...progress, layers };
  }
  if (!status) return progress;
  const digest = /(?:^|\s)digest: (sha256:[a-f0-9]{64})/i.exec(status)?.[1];
  return { ...progress, status, ...(digest ? { digest } : {}) };
}

/** How far one layer is, 0 to 1: a pull downloads (70%) then extracts (30%); a push pushes. */
export function layerFraction(kind: TransferKind, layer: LayerProgress): number {
  const part = layer.total > 0 ? Math.min(1, layer.current / layer.total) : 0;
  switch (layer.phase) {
    case "done":
      return 1;
    case "waiting":
      return 0;
    case "downloading":
      return 0.7 * part;
    case "verifying":
      return 0.7;
    case "extracting":
      return 0.7 + 0.3 * part;
    case "pushing":
      return kind === "push" ? part : 0;
  }
}

/** How far the whole transfer is, 0 to 1 (layers weighted alike: sizes are known late). */
export function transferFraction(kind: TransferKind, progress: TransferProgress, finished = false): number {
  if (finished && !progress.error) return 1;
  if (!progress.layers.length) return 0;
  return progress.layers.reduce((sum, layer) => sum + layerFraction(kind, layer), 0) / progress.layers.length;
}
