import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";

// The workload policy (server/workloads/policy, the sections' *.rules.ts, reach.ts) is marked
// server-only: the browser gets the spec schemas and the CLI words, never the judge. Checked
// on the production build the suite runs against, by strings only those modules hold: in
// every chunk the build wrote for browsers, and in every script the create page loads.
const SERVER_ONLY_MARKERS = [
  "not on the list of plain fields", // policy/walk.ts
  "whoever holds it controls the whole host", // policy/sockets.ts
  "without host access they may hold", // sections/mounts.rules.ts
  "takes every mount of the container", // sections/host-access.rules.ts
  "needs what creating it needs", // reach.ts
];

test("the workload policy is in no browser chunk; the schemas the form checks with are", async ({ page }) => {
  const loaded: Promise<string>[] = [];
  page.on("response", (response) => {
    if (response.url().endsWith(".js")) loaded.push(response.text().catch(() => ""));
  });
  await page.goto("/containers/new");
  await expect(page.getByRole("heading", { level: 1, name: "Create container" })).toBeVisible();
  const scripts = await Promise.all(loaded);
  // The check looks at the right files: the page's scripts carry the shared spec schema.
  expect(scripts.some((s) => s.includes("An image reference has no spaces."))).toBe(true);

  const dir = path.join(".next", "static", "chunks");
  const chunks = await Promise.all(
    (await readdir(dir, { recursive: true }))
      .filter((name) => name.endsWith(".js"))
      .map(async (name) => ({ name, text: await readFile(path.join(dir, name), "utf8") })),
  );
  expect(chunks.length).toBeGreaterThan(0);
  for (const marker of SERVER_ONLY_MARKERS) {
    expect(
      chunks.filter((c) => c.text.includes(marker)).map((c) => c.name),
      marker,
    ).toEqual([]);
    expect(
      scripts.filter((s) => s.includes(marker)),
      marker,
    ).toEqual([]);
  }
});
