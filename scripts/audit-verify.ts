// npm run audit:verify: checks the audit trail's hash chain and names the first event that
// does not fit. Uses DATABASE_URL, or the embedded database: through the running server
// when one holds the data folder, else by opening it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { verifyAuditChain } from "../server/audit/verify";
import { startDatabase } from "../server/db";
import { env } from "../server/env";
import { PrismaClient } from "../server/generated/prisma/client";

const config = env();
const urlFile = path.join(config.dataDir, "postgres.url");
let prisma: PrismaClient;
let close: () => Promise<void>;
if (config.DATABASE_URL) {
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.DATABASE_URL }) });
  close = () => prisma.$disconnect();
} else if (existsSync(urlFile) && existsSync(path.join(config.dataDir, "stevedore.lock"))) {
  prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: readFileSync(urlFile, "utf8").trim(), max: 1 }),
  });
  close = () => prisma.$disconnect();
} else {
  const db = await startDatabase({ dataDir: config.dataDir });
  prisma = db.prisma;
  close = () => db.close();
}

try {
  const result = await verifyAuditChain(prisma);
  if (result.ok && result.checked === 0) {
    console.log("audit trail verified: no events yet");
  } else if (result.ok) {
    console.log(`audit trail verified: ${result.checked} event(s), #${result.from} to #${result.through}`);
  } else {
    console.error(`audit trail BROKEN at event #${result.firstBad!.chainSeq}: ${result.firstBad!.problem}`);
    if (result.firstBad!.id) console.error(`  event id: ${result.firstBad!.id}`);
    console.error(`  ${result.checked} event(s) before it verified.`);
    process.exitCode = 1;
  }
} finally {
  await close();
}
