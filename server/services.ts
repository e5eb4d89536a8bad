// The running server's services (database, and later the fleet), published on globalThis
// so Next's server components, which Next bundles separately from server.ts, reach the
// same instances instead of starting a second database or fleet.
import type { Services } from "./core/context";

const key = Symbol.for("stevedore.services");
type Holder = { [key]?: Services };

export function publishServices(services: Services): void {
  (globalThis as Holder)[key] = services;
}

export function getServices(): Services {
  const services = (globalThis as Holder)[key];
  if (!services) throw new Error("Stevedore's services are not running: start the app with server.ts (npm start).");
  return services;
}
