// The events feed of one environment: what the page asks for and the kinds of event it may
// filter on, shared by the server and the page.
import { z } from "zod";

export const eventTypes = [
  "container",
  "image",
  "volume",
  "network",
  "service",
  "node",
  "secret",
  "config",
  "daemon",
  "plugin",
  "builder",
] as const;
export type EventType = (typeof eventTypes)[number];

export const eventsInput = z
  .object({
    environmentId: z.string().min(1, "An environment id is required.").max(64),
    /** only these kinds (all when absent) */
    types: z.array(z.enum(eventTypes)).max(eventTypes.length).optional(),
    /** the last event a reconnecting page saw (set by the SSE client): only what follows it */
    lastEventId: z.string().max(32).nullish(),
  })
  .strict();

/** One engine event as a person reads it: names, not ids; no command lines. */
export interface FeedEvent {
  environmentId: string;
  seq: number;
  time: number;
  type: string;
  action: string;
  /** the object's name (container, image reference, volume, network, service...) */
  name: string;
  /** the engine's id when the name is not it */
  id: string | null;
  /** a few attributes worth reading: image, exit code, signal, the container a network or volume event is about */
  details: Record<string, string>;
}
