// Who is calling, by address: the socket's peer, or, when that peer is a proxy this server was
// told to trust (STEVEDORE_TRUSTED_PROXIES), the address that proxy says it forwarded for.
// X-Forwarded-For from anyone else is ignored: a client could write anything there, and the
// sign-in throttle and the audit trail must not believe it.
import { isIP, type BlockList } from "node:net";

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function trusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address. X-Forwarded-For lists the addresses each proxy saw, left to right; each
 * trusted proxy appends the one it received from, so reading from the right and skipping
 * trusted proxies finds the first address no trusted proxy can vouch past.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies: BlockList | null,
): string | null {
  if (!peer) return null;
  const from = plainAddress(peer);
  if (!proxies || !trusted(proxies, from) || forwardedFor === undefined) return from;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((hop) => plainAddress(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return from; // a garbled header: believe only the peer
    if (!trusted(proxies, hop)) return hop;
  }
  return hops[0] ?? from;
}
