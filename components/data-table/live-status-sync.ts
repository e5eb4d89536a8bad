// How a page's read of the environments (their status and counts: Home's cards, the
// Environments page, the lists' environments) and the fleet's live feed are joined without
// waiting for each other and without losing a status change between the two. Transport-free:
// Home (components/home/fleet-overview.tsx) and the live lists (./use-live-list.ts) wire it to
// tRPC and the query cache; the tests drive it against a simulated server and the real API.
//
// The environments are read at once, beside the feed connecting. The feed's first message
// (`start`) carries each environment's status as the feed began hearing changes; every status
// and counts change after it comes as a message after it. So while the feed is there, the
// start's statuses with the messages since are the environments' status, whatever a read says:
// - they are laid over every read's answer, and over what is held when the start comes: a read
//   sent before the start may have missed a change between the two; one answered after a
//   message may be older than it (a newer answer is brought forward by the messages behind it);
// - a status or counts message replaces what is held for that environment;
// - while the feed is away (reconnecting, failed) it says nothing of what changes: reads are
//   shown as they come, and the next start is laid over them.
// Which environments there are is the read's to say, not the feed's: where the two disagree (the
// start names one the page does not hold, or holds one the start does not name; a status or
// counts message names one it does not hold; an answer lacks one the feed spoke of), an environment was added or
// removed between them, and the page reads the environments again (`reread`), once per
// disagreement and start, so a read that still disagrees cannot loop.
import type { EnvironmentCounts, EnvironmentStatus } from "@/server/docker/types";

/** An environment as the page holds it: its status, or none yet. */
export interface StatusedEnvironment {
  id: string;
  status: EnvironmentStatus | null;
}

export class LiveStatusSync {
  /** Whether the feed has started and is still there. */
  private live = false;
  /** The latest status the feed gave of each environment (since its last start). */
  private latest = new Map<string, EnvironmentStatus>();
  /** The disagreements a read was asked for since the last start ("+id" added, "-id" removed). */
  private reread = new Set<string>();

  /** `reread`: read the environments again (one was added or removed since the last read). */
  constructor(private readonly onReread: () => void = () => undefined) {}

  /** A read's answer made current with what the feed said: what the page holds from now on. */
  settle<E extends StatusedEnvironment>(answer: E[]): E[] {
    if (!this.live) return answer;
    const answered = new Set(answer.map((env) => env.id));
    this.disagree([...this.latest.keys()].filter((id) => !answered.has(id)).map((id) => `+${id}`));
    return this.overlay(answer);
  }

  /**
   * The feed (re)started with these statuses (as of the moment it began hearing changes): what
   * the held environments become.
   */
  started<E extends StatusedEnvironment>(
    statuses: readonly EnvironmentStatus[],
    held: E[] | undefined,
  ): E[] | undefined {
    this.live = true;
    this.latest = new Map(statuses.map((status) => [status.environmentId, status]));
    this.reread = new Set();
    if (held) {
      const holds = new Set(held.map((env) => env.id));
      this.disagree([
        ...statuses.filter((status) => !holds.has(status.environmentId)).map((status) => `+${status.environmentId}`),
        // (One the fleet has not met yet has no status, and is not named either: read once more.)
        ...held.filter((env) => !this.latest.has(env.id)).map((env) => `-${env.id}`),
      ]);
    }
    return held && this.overlay(held);
  }

  /** A status message: what the held environments become. */
  heardStatus<E extends StatusedEnvironment>(status: EnvironmentStatus, held: E[] | undefined): E[] | undefined {
    if (this.live) this.latest.set(status.environmentId, status);
    if (held && !held.some((env) => env.id === status.environmentId)) this.disagree([`+${status.environmentId}`]);
    return held && replaceStatus(held, status.environmentId, () => status);
  }

  /** A counts message: what the held environments become. */
  heardCounts<E extends StatusedEnvironment>(
    environmentId: string,
    counts: EnvironmentCounts | undefined,
    held: E[] | undefined,
  ): E[] | undefined {
    const known = this.latest.get(environmentId);
    if (this.live && known) this.latest.set(environmentId, { ...known, counts });
    if (held && !held.some((env) => env.id === environmentId)) this.disagree([`+${environmentId}`]);
    return held && replaceStatus(held, environmentId, (status) => (status ? { ...status, counts } : status));
  }

  /** The feed dropped (it reconnects, or failed): what it said may no longer be the status. */
  stopped(): void {
    this.live = false;
    this.latest = new Map();
  }

  /** Asks for a read when one of these disagreements is new since the last start. */
  private disagree(keys: string[]): void {
    const fresh = keys.filter((key) => !this.reread.has(key));
    if (!fresh.length) return;
    for (const key of fresh) this.reread.add(key);
    this.onReread();
  }

  /** The environments with what the feed said laid over them. */
  private overlay<E extends StatusedEnvironment>(environments: E[]): E[] {
    let changed = false;
    const out = environments.map((env) => {
      const said = this.latest.get(env.id);
      if (!said || said === env.status) return env;
      changed = true;
      return { ...env, status: said };
    });
    return changed ? out : environments;
  }
}

/** The environments with one's status changed; the same array when it is not there. */
function replaceStatus<E extends StatusedEnvironment>(
  environments: E[],
  environmentId: string,
  change: (status: EnvironmentStatus | null) => EnvironmentStatus | null,
): E[] {
  const at = environments.findIndex((env) => env.id === environmentId);
  const status = at === -1 ? undefined : change(environments[at]!.status);
  if (status === undefined || status === environments[at]!.status) return environments;
  return environments.map((env, i) => (i === at ? { ...env, status } : env));
}
