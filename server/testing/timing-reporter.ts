// Where a Vitest run's time goes, per file: importing it (collect), its setup file, its tests,
// and what is left of its duration: its hooks (beforeAll/afterAll starting servers, deploying,
// cleaning up) and the setup file's own beforeAll. The JSON reporter has only the tests' part;
// the hooks of the integration files (which run one at a time) were a third of the suite's wall
// time. Prints the costliest files at the end of the run and, when VITEST_TIMINGS_FILE is set,
// writes every file's row there as JSON.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

interface Row {
  file: string;
  project: string;
  /** from the file's start to its end, as seen here (files of one project may overlap) */
  wallMs: number;
  collectMs: number;
  setupMs: number;
  testsMs: number;
  /** duration minus its tests: hooks, the setup file's hooks */
  hooksMs: number;
}

const SHOWN = 20;

export default class TimingReporter implements Reporter {
  private started = new Map<string, number>();
  private rows: Row[] = [];

  onTestModuleStart(module: TestModule): void {
    this.started.set(module.moduleId, performance.now());
  }

  onTestModuleEnd(module: TestModule): void {
    const diagnostic = module.diagnostic();
    let testsMs = 0;
    for (const test of module.children.allTests()) testsMs += test.diagnostic()?.duration ?? 0;
    const start = this.started.get(module.moduleId);
    this.rows.push({
      file: path.relative(process.cwd(), module.moduleId),
      project: module.project.name,
      wallMs: start === undefined ? 0 : performance.now() - start,
      collectMs: diagnostic.collectDuration,
      setupMs: diagnostic.setupDuration,
      testsMs,
      hooksMs: Math.max(0, diagnostic.duration - testsMs),
    });
  }

  onTestRunEnd(): void {
    const file = process.env.VITEST_TIMINGS_FILE;
    if (file) writeFileSync(file, JSON.stringify(this.rows, null, 1));
    const rows = [...this.rows].sort((a, b) => b.wallMs - a.wallMs).slice(0, SHOWN);
    if (!rows.length) return;
    const s = (ms: number) => (ms / 1000).toFixed(1).padStart(7);
    const total = (key: keyof Row) =>
      this.rows.filter((r) => r.project === "integration").reduce((sum, r) => sum + (r[key] as number), 0);
    console.log(`\nSlowest files (s):   wall collect   setup   tests   hooks`);
    for (const r of rows)
      console.log(
        `  ${r.project.padEnd(12)}${s(r.wallMs)}${s(r.collectMs)}${s(r.setupMs)}${s(r.testsMs)}${s(r.hooksMs)}  ${r.file}`,
      );
    console.log(
      `  integration total ${s(total("wallMs"))}${s(total("collectMs"))}${s(total("setupMs"))}${s(total("testsMs"))}${s(total("hooksMs"))}`,
    );
  }
}
