// npm run audit:verify [-- --expect-head <seq>:<hash>] [-- --no-anchor-file]
//
// Checks the audit trail's chain with the chain key (derived from STEVEDORE_SECRET_KEY or the
// key file in the data folder, as the server does) and names the first thing that does not
// fit: a changed, deleted or inserted event, a forged checkpoint, a changed console recording,
// or a chain shorter than a head anchored outside the database. The head in the data folder's
// audit-head.json is compared unless --no-anchor-file; --expect-head adds one copied from the
// server log (`audit: head #<seq> <hash>`) or an earlier run of this command.
// Uses DATABASE_URL, or the embedded database: through the running server when one holds the
// data folder, else by opening it. Exit code 0 when intact, 1 when not, 2 on bad arguments.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import { parseHead, readAnchoredHead } from "../server/audit/anchor";
import { verifyAuditChain, type ExpectedHead } from "../server/audit/verify";
import { SecretBox } from "../server/crypto/secret-box";
import { startDatabase } from "../server/db";
import { env } from "../server/env";
import { PrismaClient } from "../server/generated/prisma/client";

const { values: args } = parseArgs({
  options: {
    "expect-head": { type: "string", multiple: true },
    "no-anchor-file": { type: "boolean", default: false },
  },
});

const expected: ExpectedHead[] = [];
for (const text of args["expect-head"] ?? []) {
  const head = parseHead(text);
  if (!head) {
    console.error(`--expect-head ${text}: expected <seq>:<64 hex digits>, as the server log prints it`);
    process.exit(2);
  }
  expected.push({ head, source: "the head given" });
}

const config = env();
if (!args["no-anchor-file"]) {
  const anchored = await readAnchoredHead(config.dataDir);
  if (anchored) expected.push({ head: anchored, source: `${config.dataDir}/audit-head.json` });
}
const secrets = await SecretBox.load(config.STEVEDORE_SECRET_KEY, config.dataDir);

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
  const result = await verifyAuditChain(prisma, {
    chainKey: secrets.deriveKey("audit-chain"),
    expectedHeads: expected,
  });
  for (const anchor of result.anchors) {
    console.log(
      `anchored head #${anchor.seq} (${anchor.source}): ${anchor.matched ? "found in the chain" : "not compared"}`,
    );
  }
  if (result.ok && result.checked === 0) {
    console.log("audit trail verified: no events yet");
  } else if (result.ok) {
    console.log(
      `audit trail verified: ${result.checked} link(s), #${result.from} to #${result.through}; ` +
        `${result.recordingsChecked} console recording(s) match their digests`,
    );
  } else {
    console.error(`audit trail BROKEN at #${result.firstBad!.chainSeq}: ${result.firstBad!.problem}`);
    if (result.firstBad!.id) console.error(`  event id: ${result.firstBad!.id}`);
    console.error(`  ${result.checked} link(s) before it verified.`);
    process.exitCode = 1;
  }
  if (result.head)
    console.log(`head: ${result.head}   (keep it: --expect-head ${result.head} names any later truncation)`);
} finally {
  await close();
}
