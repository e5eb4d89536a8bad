import type { Actor } from "../core/context";

/** The signed-in user and what they may do, as auth.me answers and pages receive it. */
export function presentActor(actor: Actor) {
  return {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    via: actor.via,
    totpEnabled: actor.totpEnabled,
    mustEnrollTotp: actor.mustEnrollTotp,
    mustChangePassword: actor.mustChangePassword,
    permissions: {
      everywhere: [...actor.permissions.everywhere].sort(),
      byEnvironment: Object.fromEntries(
        [...actor.permissions.byEnvironment].map(([environmentId, set]) => [environmentId, [...set].sort()]),
      ),
    },
  };
}
