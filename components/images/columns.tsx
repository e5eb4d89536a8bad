"use client";

import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { environmentColumn, rowActionsColumn, type FleetRowActions } from "../resources/fleet-columns";
import { formatSize } from "../resources/list-kit";
import { Badge } from "../ui/badge";
import { formatRelative } from "../ui/format";

type ListedImage = RouterOutputs["images"]["list"]["items"][number];

/** An image of the list, with how many containers (any state) its environment makes from it. */
export type ImageRow = ListedImage & { usedBy: number | null };

export const imageKey = (row: Pick<ImageRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** "sha256:0123456789ab…" -> "0123456789ab" */
export const shortId = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);

/** No tag and no digest: what `docker image prune` removes. */
export const isDangling = (row: Pick<ImageRow, "tags" | "digests">) => !row.tags.length && !row.digests.length;

/** How a person names the image: its first tag, else its repository@digest, else its short id. */
export function imageLabel(row: Pick<ImageRow, "tags" | "digests" | "id">): string {
  return row.tags[0] ?? row.digests[0]?.split("@")[0] ?? shortId(row.id);
}

export type ImageUse = "dangling" | "unused" | "in-use";

export function imageUse(row: ImageRow): ImageUse | null {
  if (isDangling(row)) return "dangling";
  if (row.usedBy === null) return null;
  return row.usedBy > 0 ? "in-use" : "unused";
}

export type ImageRowActions = FleetRowActions<ImageRow>;

const column = columnHelper<ImageRow>();

/** The images list's columns; `actions` must be stable (a new object redraws every row). */
export function imageColumns(envName: (id: string) => string, actions: ImageRowActions): DataColumn<ImageRow>[] {
  return [
    column.accessor((row) => imageLabel(row), {
      id: "name",
      header: "Repository:tag",
      enableHiding: false,
      sortFn: (a, b) => imageLabel(a.original).localeCompare(imageLabel(b.original)),
      cell: ({ row }) => {
        const image = row.original;
        const more = image.tags.length - 1;
        return (
          <span className="flex min-w-0 items-center gap-2">
            <button
              type="button"
              className="block min-w-0 truncate text-left font-medium hover:underline"
              title={image.tags.join("\n") || image.id}
              onClick={() => actions.open(image)}
            >
              {image.tags.length ? imageLabel(image) : <span className="text-muted">&lt;none&gt;</span>}
            </button>
            {more > 0 ? <span className="shrink-0 text-xs text-subtle">+{more} more</span> : null}
          </span>
        );
      },
      meta: { label: "Repository:tag", minWidth: 240, sticky: "left" },
    }),
    environmentColumn(envName),
    column.accessor("id", {
      id: "id",
      header: "ID",
      cell: ({ row }) => <span className="font-mono text-xs text-muted">{shortId(row.original.id)}</span>,
      meta: { label: "ID", width: 120, priority: 60 },
    }),
    column.accessor("size", {
      id: "size",
      header: "Size",
      sortFn: (a, b) => a.original.size - b.original.size,
      cell: ({ row }) => <span className="tabular-nums">{formatSize(row.original.size)}</span>,
      meta: { label: "Size", width: 100, priority: 35, align: "end" },
    }),
    column.accessor("created", {
      id: "created",
      header: "Created",
      sortFn: (a, b) => a.original.created - b.original.created,
      cell: ({ row }) => (
        <span className="text-muted">{formatRelative(new Date(row.original.created * 1000).toISOString())}</span>
      ),
      meta: { label: "Created", width: 120, priority: 45 },
    }),
    column.accessor((row) => imageUse(row) ?? "", {
      id: "use",
      header: "Used by",
      sortFn: (a, b) => (a.original.usedBy ?? -1) - (b.original.usedBy ?? -1),
      filterFn: (row, _id, value: string) => !value || imageUse(row.original) === value,
      cell: ({ row }) => {
        const use = imageUse(row.original);
        if (use === "dangling") return <Badge tone="amber">dangling</Badge>;
        if (use === "unused") return <span className="text-muted">unused</span>;
        if (use === "in-use") {
          const n = row.original.usedBy ?? 0;
          return (
            <span>
              {n} container{n === 1 ? "" : "s"}
            </span>
          );
        }
        return <span className="text-faint">—</span>;
      },
      meta: { label: "Used by", width: 130, priority: 40 },
    }),
    column.display({
      id: "digests",
      header: "Digest",
      cell: ({ row }) => (
        <span className="block truncate font-mono text-xs text-muted" title={row.original.digests.join("\n")}>
          {row.original.digests[0]?.split("@")[1]?.slice(0, 19) ?? ""}
        </span>
      ),
      meta: { label: "Digest", minWidth: 160, priority: 70, defaultHidden: true },
    }),
    rowActionsColumn(actions, imageLabel),
  ];
}
