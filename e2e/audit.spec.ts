import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { admin, authFile, mutate } from "./fixtures";

/** RFC 4180, as the export writes it: every cell quoted, quotes doubled, CRLF between rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

test("an administrator finds an audited change by actor, exports it and verifies the chain", async ({ page }) => {
  const team = `audit-team-${Date.now()}`;
  await mutate(page.request, "teams.create", { name: team });

  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  const filters = page.getByRole("search", { name: "Filter events" });
  await filters.getByLabel("Actor").fill(admin.username);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]actor=${admin.username}`));

  const events = page.getByRole("table", { name: "Audit events" });
  const row = events.getByRole("row").filter({ hasText: team });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("teams.create");
  await expect(row).toContainText("ok");
  for (const actor of await events.locator("tbody tr td:nth-child(2)").allTextContents()) {
    expect(actor).toBe(admin.username);
  }

  // The details: every field, the parameters as JSON, the place in the chain.
  await row.getByRole("button", { name: /Details of teams\.create/ }).click();
  const details = page.getByRole("dialog", { name: "teams.create" });
  await expect(details.getByLabel("Parameters as JSON")).toContainText(`"name": "${team}"`);
  // Two links: the intent (its position) and the outcome appended after it.
  await expect(details.getByText(/^#\d+ \(outcome at #\d+\)$/)).toBeVisible();
  await details.getByRole("button", { name: "Close" }).click();
  await expect(details).toBeHidden();

  // A linked view keeps its filter.
  await page.reload();
  await expect(page.getByRole("search", { name: "Filter events" }).getByLabel("Actor")).toHaveValue(admin.username);
  await expect(events.getByRole("row").filter({ hasText: team })).toHaveCount(1);

  // Export the current filter as CSV: a real download with the server's filename.
  await page.getByRole("button", { name: "Export" }).click();
  const downloading = page.waitForEvent("download");
  await page.getByRole("menuitem", { name: /CSV/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^stevedore-audit-.*\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  expect(csv).toContain(team);
  const [header, ...rows] = parseCsv(csv);
  const actorColumn = header!.indexOf("actorUsername");
  expect(actorColumn).toBeGreaterThanOrEqual(0);
  expect(rows.length).toBeGreaterThan(0);
  for (const line of rows) expect(line[actorColumn]).toBe(admin.username);

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("The audit chain is intact");
  await expect(page.getByTestId("verify-result")).toContainText(/\d+ links checked/);
  // The head to keep outside Stevedore, as audit:verify --expect-head takes it.
  await expect(page.getByTestId("verify-head")).toHaveText(/^\d+:[0-9a-f]{64}$/);
});

test("a filter that matches nothing says so, and live events arrive without a reload", async ({ page }) => {
  await page.goto("/audit?actor=nobody-at-all");
  await expect(page.getByText("No events match")).toBeVisible();

  const team = `live-team-${Date.now()}`;
  await page.goto(`/audit?action=teams.create&target=${team}`);
  await expect(page.getByText("No events match")).toBeVisible();
  await page.getByRole("button", { name: "Go live" }).click();
  await expect(page.getByRole("button", { name: "Live" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText("Live: new events appear at the top")).toBeVisible();
  await mutate(page.request, "teams.create", { name: team });
  await expect(
    page.getByRole("table", { name: "Audit events" }).getByRole("row").filter({ hasText: team }),
  ).toHaveCount(1);
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("the audit trail is not shown", async ({ page }) => {
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "You do not have permission (audit.read)" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit events" })).toHaveCount(0);
  });
});

test.describe("retention", () => {
  test.use({ storageState: authFile("admin") });

  test("an administrator sets how long events are kept; a too-short period is refused in words", async ({ page }) => {
    await page.goto("/settings");
    const days = page.getByLabel("Keep audit events for (days)");
    await days.fill("3");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Keep the audit trail at least 7 days.")).toBeVisible();
    await expect(days).toHaveValue("3"); // what was typed is kept
    await days.fill("400");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Audit events are kept 400 days.")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Keep audit events for (days)")).toHaveValue("400");
  });
});
