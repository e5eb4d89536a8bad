// Reading an Engine payload back (`docker service inspect` .Spec): the engine's answer is
// JSON of whatever shape it has, so every field is read for the type it should have and
// anything else counts as absent. Pure.

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
export const str = (v: unknown) => (typeof v === "string" ? v : undefined);
export const rec = (v: unknown): Json => (isRecord(v) ? v : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");
/** Nanoseconds as seconds. */
export const secondsOf = (v: unknown) => (num(v) !== undefined ? num(v)! / 1e9 : undefined);
/** The object without its undefined fields (what a spec leaves out, it does not set to undefined). */
export const defined = <T extends Json>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
