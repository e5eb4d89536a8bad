// bench/replicas: how fast a change made through one replica reaches a page open on another.
//
//   npm run bench:replicas                   40 rounds
//   npm run bench:replicas -- --rounds 100
//
// Two server processes over one private Postgres (server/testing/replicas.ts), each with its own
// data folder and the same secret key, as a stack's replicas are. Each round renames a (paused)
// environment through replica A and times, from the moment the request is sent:
//   change_to_other_page  until a page's live changes (fleet.changes, over server-sent events)
//                         held open on replica B say the new name;
//   change_to_same_page   the same for a page held open on A (the floor without replicas);
//   notify_raw            and, side by side, Postgres' own LISTEN/NOTIFY between two plain
//                         connections (the broker's floor).
// Target: change_to_other_page median under 1000 ms. The last lines are `RESULT <figure> <value>`.
import { parseArgs } from "node:util";
import pg from "pg";
import { openStream, sameSignIn, startTwoReplicas, type TwoReplicas } from "../server/testing/replicas";
import { round, Samples } from "./support/stats";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "40" } } });
const ROUNDS = Number(values.rounds);

type Change = { type: string; status?: { environmentId: string; name: string } };

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rawNotify(url: string, samples: Samples): Promise<void> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), sender.connect()]);
  try {
    await listener.query("LISTEN bench_raw");
    for (let i = 0; i < ROUNDS; i++) {
      const heard = new Promise<number>((resolve) =>
        listener.once("notification", () => {
          resolve(Date.now());
        }),
      );
      const sent = Date.now();
      await sender.query("SELECT pg_notify('bench_raw', $1)", [String(i)]);
      samples.add("notify_raw", (await heard) - sent);
    }
  } finally {
    await Promise.all([listener.end(), sender.end()]);
  }
}

async function main(): Promise<void> {
  log(`bench:replicas: starting two replicas over one Postgres (${ROUNDS} rounds)…`);
  let replicas: TwoReplicas | undefined;
  const samples = new Samples();
  try {
    replicas = await startTwoReplicas();
    const { admin, b } = replicas;
    const created = await admin.mutate<{ id: string }>("environments.create", {
      name: "bench-0",
      url: "unix:///nonexistent/docker.sock",
      skipTest: true,
    });
    await admin.mutate("environments.setPaused", { environmentId: created.id, paused: true });
    const onA = await openStream<Change>(admin, "fleet.changes", {});
    const onB = await openStream<Change>(sameSignIn(admin, b), "fleet.changes", {});
    try {
      for (let i = 1; i <= ROUNDS; i++) {
        const name = `bench-${i}`;
        const named = (c: Change) => c.type === "status" && c.status?.name === name;
        const other = onB.next(named);
        const same = onA.next(named);
        const sent = Date.now();
        await admin.mutate("environments.update", { environmentId: created.id, name });
        const timeout = sleep(10_000).then(() => ({ at: sent + 10_000 }));
        samples.add("change_to_other_page", (await Promise.race([other, timeout])).at - sent);
        samples.add("change_to_same_page", (await Promise.race([same, timeout])).at - sent);
        await sleep(50);
      }
    } finally {
      onA.close();
      onB.close();
    }
    await rawNotify(replicas.postgres.url, samples);
  } finally {
    await replicas?.stop();
  }
  for (const name of samples.names()) {
    const s = samples.summary(name);
    log(`${name}: median ${round(s.median, 1)} ms, p95 ${round(s.p95, 1)} ms, max ${round(s.max, 1)} ms (n=${s.n})`);
  }
  for (const name of samples.names()) {
    const s = samples.summary(name);
    log(`RESULT replicas.${name}.ms.median ${round(s.median, 1)}`);
    log(`RESULT replicas.${name}.ms.p95 ${round(s.p95, 1)}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
