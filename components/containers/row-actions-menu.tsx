"use client";

import { CopyPlus, FilePen, RefreshCcw, SlidersHorizontal, SquareTerminal } from "lucide-react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { useEffect, useRef, useState, type ComponentProps } from "react";
import { countRender } from "../data-table/render-probe";
import { RowIcon } from "./row-icons";
import { Menu, MenuContent, MenuItem, MenuLinkItem, MenuSeparator, MenuTrigger } from "../ui/menu";
import { ACTIONS, type ActionSpec } from "./container-actions";
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
 *
 * A row scrolled into view draws only a plain button: the menu (Radix's root, trigger, portal
 * and their state) is made the first time that button is pressed, by pointer or keyboard, and
 * opens at once, so scrolling through thousands of rows does not make a menu for each.
 */
export function RowActionsMenu({ row }: { row: ContainerRow }) {
  countRender("RowActionsMenu");
  const viewer = useViewer();
  const [opened, setOpened] = useState<Opened | null>(null);
  const actions = ACTIONS.filter((a) => a.when(row.state) && holdsOn(viewer, a.permission, row.environmentId));
  const consoleHref =
    row.state === "running" && holdsOn(viewer, "container.exec", row.environmentId)
      ? `/containers/${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}/console`
      : null;
  const canUpdate = row.state !== "removing" && holdsOn(viewer, "container.lifecycle", row.environmentId);
  const canDuplicate = holdsSomewhere(viewer, "container.create");
  const canRecreate = mayRecreate(viewer, row.environmentId, row.state);
  const changes = canUpdate || canRecreate || canDuplicate;

  if (!actions.length && !consoleHref && !changes) return null;
  if (!opened) {
    return (
      <TriggerButton
        name={row.name}
        aria-haspopup="menu"
        aria-expanded={false}
        data-state="closed"
        onPointerDown={(event) => {
          // As Radix's trigger does: the primary button opens it, and focus stays where it is.
          if (event.button !== 0 || event.ctrlKey) return;
          event.preventDefault();
          setOpened({ by: "pointer" });
        }}
        onKeyDown={(event) => {
          if (event.key !== "Enter" && event.key !== " " && event.key !== "ArrowDown") return;
          event.preventDefault();
          setOpened({ by: "key", key: event.key });
        }}
        // A click without a pointer press before it (assistive technology) opens it too.
        onClick={() => setOpened({ by: "pointer" })}
      />
    );
  }
  return (
    <RowMenu
      row={row}
      opened={opened}
      actions={actions}
      consoleHref={consoleHref}
      canUpdate={canUpdate}
      canRecreate={canRecreate}
      canDuplicate={canDuplicate}
    />
  );
}

/** How the plain button was pressed: the menu opens as Radix's trigger would have. */
type Opened = { by: "pointer" } | { by: "key"; key: string };

function TriggerButton({ name, ...props }: ComponentProps<"button"> & { name: string }) {
  return (
    <button
      type="button"
      aria-label={`Actions for ${name}`}
      title="Actions"
      className="inline-grid size-8 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg data-[state=open]:bg-hover"
      {...props}
    >
      <RowIcon name="actions" />
    </button>
  );
}

function RowMenu({
  row,
  opened,
  actions,
  consoleHref,
  canUpdate,
  canRecreate,
  canDuplicate,
}: {
  row: ContainerRow;
  opened: Opened;
  actions: ActionSpec[];
  consoleHref: string | null;
  canUpdate: boolean;
  canRecreate: boolean;
  canDuplicate: boolean;
}) {
  const { choose, update, recreate } = useContainerRowActions();
  const trigger = useRef<HTMLButtonElement>(null);
  const changes = canUpdate || canRecreate || canDuplicate;
  const duplicateHref = `/containers/new?from=${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}`;
  // Opened from the keyboard: the key goes to the real trigger now that it is there, so the
  // menu opens with its first item focused, as it would have. (This effect runs after the
  // menu's own, which listen for the keyboard.)
  const [firstKey] = useState(opened.by === "key" ? opened.key : null);
  useEffect(() => {
    const button = trigger.current;
    if (!firstKey || !button) return;
    button.focus();
    button.dispatchEvent(new KeyboardEvent("keydown", { key: firstKey, bubbles: true, cancelable: true }));
  }, [firstKey]);

  return (
    <Menu defaultOpen={opened.by === "pointer"}>
      <MenuTrigger asChild>
        <TriggerButton ref={trigger} name={row.name} />
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
