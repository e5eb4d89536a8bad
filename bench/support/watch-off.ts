// Loaded with `node --import` into the server that measures the cold list, and only there.
//
// Why: a cold list is one the live picture cannot answer, so Stevedore reads every engine within
// its deadline. A normal server warms its picture within a second of registering an environment
// and keeps it warm, so "the first list after registering" is one racy sample at best. Stevedore
// has `new Fleet({ watch: false })` (lists always read live) but server.ts offers no switch for it
// (a STEVEDORE_FLEET_WATCH=0 setting would do), so this hook sets that same option on the server's
// own Fleet before its first watcher would start. Everything else (HTTP, tRPC, sign-in, permission
// checks, the fan-out, trimming, JSON) is the unmodified server. The benchmark then checks
// through the API that every environment reports pictureWarm: false.
import { Fleet } from "../../server/docker/fleet";

type WithWatchOption = { options: { watch: boolean } };
const prototype = Fleet.prototype as unknown as { ensureWatcher?: (this: WithWatchOption, ...args: unknown[]) => void };
const ensureWatcher = prototype.ensureWatcher;
if (typeof ensureWatcher !== "function") {
  throw new Error("bench/support/watch-off.ts: Fleet#ensureWatcher is gone; update the hook (or add a server option).");
}
prototype.ensureWatcher = function (this: WithWatchOption, ...args: unknown[]) {
  this.options.watch = false;
  return ensureWatcher.apply(this, args);
};
console.log("bench: this server's fleet runs with watch: false (lists read the engines live)");
