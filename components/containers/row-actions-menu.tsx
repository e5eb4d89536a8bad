"use client";

import { CopyPlus, EllipsisVertical, FilePen, RefreshCcw, SlidersHorizontal, SquareTerminal } from "lucide-react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { Menu, MenuContent, MenuItem, MenuLinkItem, MenuSeparator, MenuTrigger } from "../ui/menu";
import { ACTIONS } from "./container-actions";
import type { ContainerRow } from "./container-list-model";
import { useContainerRowActions } from "./containers-table-context";
import { mayRecreate, replaceHref } from "./details/recreate-dialog";
import { holdsOn } from "./holds-on";

/**
 * A row's "⋮" menu (Radix UI's menu: arrow keys, type-ahead, Escape, focus back to the button):
 * the console, the lifecycle actions that apply to its state and that the viewer may take, then
 * Update…, Recreate…, Edit and replace… and Duplicate and edit (as on the container's page, with
 * the same permission checks). What a choice does is the list's (context): the dialogs live
 * there, not in a row that scrolling may unmount.
 */
export function RowActionsMenu({ row }: { row: ContainerRow }) {
  const viewer = useViewer();
  const { choose, update, recreate } = useContainerRowActions();
  const actions = ACTIONS.filter((a) => a.when(row.state) && holdsOn(viewer, a.permission, row.environmentId));
  const consoleHref =
    row.state === "running" && holdsOn(viewer, "container.exec", row.environmentId)
      ? `/containers/${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}/console`
      : null;
  const canUpdate = row.state !== "removing" && holdsOn(viewer, "container.lifecycle", row.environmentId);
  const canDuplicate = holdsSomewhere(viewer, "container.create");
  const duplicateHref = `/containers/new?from=${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}`;
  const canRecreate = mayRecreate(viewer, row.environmentId, row.state);
  const changes = canUpdate || canRecreate || canDuplicate;

  if (!actions.length && !consoleHref && !changes) return null;
  return (
    <Menu>
      <MenuTrigger
        aria-label={`Actions for ${row.name}`}
        title="Actions"
        className="inline-grid size-8 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg data-[state=open]:bg-hover"
      >
        <EllipsisVertical aria-hidden className="size-4" />
      </MenuTrigger>
      <MenuContent aria-label={`Actions for ${row.name}`}>
        {consoleHref ? (
          <MenuLinkItem href={consoleHref}>
            <SquareTerminal aria-hidden className="size-4 text-subtle" />
            Console
          </MenuLinkItem>
        ) : null}
        {consoleHref && (actions.length || changes) ? <MenuSeparator /> : null}
        {actions.map((action) => (
          <MenuItem
            key={action.name}
            tone={action.confirm && action.name !== "restart" ? "danger" : "neutral"}
            onSelect={() => choose(row, action)}
          >
            {action.label}
            {action.confirm ? "…" : ""}
          </MenuItem>
        ))}
        {changes && actions.length ? <MenuSeparator /> : null}
        {canUpdate ? (
          <MenuItem onSelect={() => update(row)}>
            <SlidersHorizontal aria-hidden className="size-4 text-subtle" />
            Update…
          </MenuItem>
        ) : null}
        {canRecreate ? (
          <MenuItem onSelect={() => recreate(row)}>
            <RefreshCcw aria-hidden className="size-4 text-subtle" />
            Recreate…
          </MenuItem>
        ) : null}
        {canRecreate ? (
          <MenuLinkItem href={replaceHref(row.environmentId, row.id)}>
            <FilePen aria-hidden className="size-4 text-subtle" />
            Edit and replace…
          </MenuLinkItem>
        ) : null}
        {canDuplicate ? (
          <MenuLinkItem href={duplicateHref}>
            <CopyPlus aria-hidden className="size-4 text-subtle" />
            Duplicate and edit
          </MenuLinkItem>
        ) : null}
      </MenuContent>
    </Menu>
  );
}
