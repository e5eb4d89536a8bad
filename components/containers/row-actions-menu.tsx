"use client";

import { CopyPlus, EllipsisVertical, SlidersHorizontal, SquareTerminal } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import type { ActionSpec } from "./container-actions";
import type { ContainerRow } from "./container-list-model";
import { UpdateContainerDialog } from "./create/update-dialog";
import { holdsOn } from "./holds-on";

const plain = "text-slate-800 dark:text-slate-200";
const danger = "text-red-700 dark:text-red-400";
const itemClass =
  "flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm hover:bg-slate-100 focus:bg-slate-100 focus:outline-none dark:hover:bg-slate-800 dark:focus:bg-slate-800";

type Place = { top?: number; bottom?: number; right: number };

/** Under the button, right-aligned; near the bottom of the window, above it instead. */
function placeBy(button: HTMLElement | null): Place | null {
  const rect = button?.getBoundingClientRect();
  if (!rect) return null;
  const right = window.innerWidth - rect.right;
  return window.innerHeight - rect.bottom < 300
    ? { bottom: window.innerHeight - rect.top + 4, right }
    : { top: rect.bottom + 4, right };
}

/**
 * A row's "⋮" menu. It is placed with fixed positioning so the table's sideways scroll box
 * does not clip it, and follows its button when the page scrolls; it closes on Escape or a click
 * elsewhere.
 */
export function RowActionsMenu({
  row,
  actions,
  consoleHref,
  onChoose,
}: {
  row: ContainerRow;
  actions: ActionSpec[];
  consoleHref: string | null;
  onChoose: (action: ActionSpec) => void;
}) {
  const viewer = useViewer();
  const [place, setPlace] = useState<Place | null>(null);
  const [updating, setUpdating] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const open = place !== null;

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const close = () => setPlace(null);
    // The table scrolls sideways (and the page down): the menu follows its button.
    const follow = () => setPlace(placeBy(button.current));
    const onPointer = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) close();
    };
    window.addEventListener("pointerdown", onPointer);
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", close);
    return () => {
      window.removeEventListener("pointerdown", onPointer);
      window.removeEventListener("scroll", follow, true);
      window.removeEventListener("resize", close);
    };
  }, [open]);

  const toggle = () => setPlace(open ? null : placeBy(button.current));

  const onKeyDown = (event: React.KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === "Escape") {
      setPlace(null);
      button.current?.focus();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      items[(at + 1) % items.length]?.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      items[(at - 1 + items.length) % items.length]?.focus();
    }
  };

  // Update and "duplicate and edit" are offered here, beside the actions the list passes in.
  const canUpdate = row.state !== "removing" && holdsOn(viewer, "container.lifecycle", row.environmentId);
  const canDuplicate = holdsSomewhere(viewer, "container.create");
  const duplicateHref = `/containers/new?from=${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}`;
  const changes = canUpdate || canDuplicate;

  if (!actions.length && !consoleHref && !changes) return null;
  return (
    <>
      <button
        ref={button}
        type="button"
        aria-label={`Actions for ${row.name}`}
        title="Actions"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={toggle}
        className="inline-grid size-8 place-items-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
      >
        <EllipsisVertical aria-hidden className="size-4" />
      </button>
      {place ? (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={`Actions for ${row.name}`}
          onKeyDown={onKeyDown}
          style={place}
          className="fixed z-30 min-w-40 overflow-hidden rounded-md border border-slate-200 bg-white py-1 text-left shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {consoleHref ? (
            <Link role="menuitem" href={consoleHref} className={`${itemClass} ${plain}`} onClick={() => setPlace(null)}>
              <SquareTerminal aria-hidden className="size-4 text-slate-500" />
              Console
            </Link>
          ) : null}
          {consoleHref && (actions.length || changes) ? (
            <div role="separator" className="my-1 border-t border-slate-200 dark:border-slate-700" />
          ) : null}
          {actions.map((action) => (
            <button
              key={action.name}
              type="button"
              role="menuitem"
              className={`${itemClass} ${action.confirm && action.name !== "restart" ? danger : plain}`}
              onClick={() => {
                setPlace(null);
                onChoose(action);
              }}
            >
              {action.label}
              {action.confirm ? "…" : ""}
            </button>
          ))}
          {changes && actions.length ? (
            <div role="separator" className="my-1 border-t border-slate-200 dark:border-slate-700" />
          ) : null}
          {canUpdate ? (
            <button
              type="button"
              role="menuitem"
              className={`${itemClass} ${plain}`}
              onClick={() => {
                setPlace(null);
                setUpdating(true);
              }}
            >
              <SlidersHorizontal aria-hidden className="size-4 text-slate-500" />
              Update…
            </button>
          ) : null}
          {canDuplicate ? (
            <Link
              role="menuitem"
              href={duplicateHref}
              className={`${itemClass} ${plain}`}
              onClick={() => setPlace(null)}
            >
              <CopyPlus aria-hidden className="size-4 text-slate-500" />
              Duplicate and edit
            </Link>
          ) : null}
        </div>
      ) : null}
      {canUpdate && updating
        ? // Out of the table: a cell's alignment and overflow are no business of the dialog's.
          createPortal(
            <UpdateContainerDialog
              open
              onClose={() => {
                setUpdating(false);
                button.current?.focus();
              }}
              environmentId={row.environmentId}
              containerId={row.id}
              name={row.name}
            />,
            document.body,
          )
        : null}
    </>
  );
}
