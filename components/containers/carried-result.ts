// What an action said, carried to the page of the container it made (recreate and replace make
// a new container with another id, and the page moves there). Module state: client-side
// navigation keeps it; a reload forgets it, which is fine for a one-time message.

export interface Said {
  text: string;
  cli: string;
}

const carried = new Map<string, Said>();

export function carrySaid(containerId: string, said: Said) {
  carried.set(containerId, said);
}

/** The container's page says it (read while rendering)… */
export function saidFor(containerId: string): Said | null {
  return carried.get(containerId) ?? null;
}

/** …and forgets it once shown (in an effect: rendering may run twice). */
export function forgetSaid(containerId: string) {
  carried.delete(containerId);
}
