import type { SecretBox } from "../crypto/secret-box";
import type { Fleet } from "../docker/index";
import type { PrismaClient } from "../generated/prisma/client";
import { descriptorOf } from "./descriptor";

/** Puts every saved environment in the fleet (paused ones stay quiet). */
export async function loadFleet(prisma: PrismaClient, secrets: SecretBox, fleet: Fleet): Promise<number> {
  const rows = await prisma.environment.findMany();
  for (const row of rows) {
    try {
      fleet.add(descriptorOf(row, secrets), { paused: row.paused });
    } catch (error) {
      // A key sealed with another secret key: the environment shows as down, the rest start.
      console.error(`environment ${row.name}: cannot load its connection:`, error);
    }
  }
  return rows.length;
}
