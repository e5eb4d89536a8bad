// Acting on many containers at once: which of the chosen ones an action applies to, and
// running it on them a few at a time so a hundred stops do not land on one engine at once.
import type { ActionSpec } from "./container-actions";
import type { ContainerRow } from "./container-list-model";

export const BULK_ACTIONS = ["start", "stop", "restart", "remove"] as const;

export interface BulkOutcome {
  row: ContainerRow;
  ok: boolean;
  message?: string;
  cli?: string;
}

/** The chosen rows the action makes sense for and the viewer may act on. */
export function applicable(
  rows: ContainerRow[],
  action: ActionSpec,
  may: (row: ContainerRow, action: ActionSpec) => boolean,
): ContainerRow[] {
  return rows.filter((row) => action.when(row.state) && may(row, action));
}

/** Runs `act` on every row with at most `concurrency` in flight; one failure stops nothing. */
export async function runBulk(
  rows: ContainerRow[],
  act: (row: ContainerRow) => Promise<{ cli: string }>,
  concurrency = 4,
): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = new Array<BulkOutcome>(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const at = next++;
      const row = rows[at]!;
      try {
        const { cli } = await act(row);
        outcomes[at] = { row, ok: true, cli };
      } catch (error) {
        outcomes[at] = { row, ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return outcomes;
}
