// Keeps this replica's fleet equal to the saved environments when another replica changed them
// (added, renamed, pointed elsewhere, paused, removed): each replica runs its own fleet (its own
// connections and watchers on every engine), and the database is the one list of what it holds.
import type { SecretBox } from "../../crypto/secret-box";
import type { Fleet } from "../../docker/index";
import { descriptorOf } from "../../environments/descriptor";
import type { PrismaClient } from "../../generated/prisma/client";

export class FleetSync {
  /** the version of each environment this fleet holds (its row's updatedAt and paused) */
  private readonly held = new Map<string, string>();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
    private readonly fleet: Fleet,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Reads the saved environments and applies what changed; calls while one runs make one more. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.apply();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async apply(): Promise<void> {
    const rows = await this.prisma.environment.findMany();
    const saved = new Set(rows.map((row) => row.id));
    for (const id of this.fleet.environmentIds()) {
      if (saved.has(id)) continue;
      this.fleet.remove(id);
      this.held.delete(id);
    }
    for (const row of rows) {
      const version = `${row.updatedAt.getTime()}/${row.paused}`;
      const known = this.fleet.has(row.id);
      // A change this replica made itself was applied to its fleet already: note it, once.
      if (known && !this.held.has(row.id)) {
        this.held.set(row.id, version);
        continue;
      }
      if (known && this.held.get(row.id) === version) continue;
      try {
        const descriptor = descriptorOf(row, this.secrets);
        if (!known) this.fleet.add(descriptor, { paused: row.paused });
        else {
          this.fleet.update(descriptor);
          const paused = this.fleet.status(row.id)?.state === "paused";
          if (row.paused && !paused) this.fleet.pause(row.id);
          else if (!row.paused && paused) void this.fleet.resume(row.id).catch(() => undefined);
        }
        this.held.set(row.id, version);
      } catch (error) {
        this.log(`environment ${row.name}: cannot load its connection: ${String(error)}`);
      }
    }
  }
}
