"use client";

import { Badge } from "../ui/badge";
import type { PermissionGroup } from "./group-permissions";

/**
 * Rows are the catalogue's permissions, grouped by resource, each with what it allows.
 * `grantable` says which ones the viewer may put in a role (they hold them everywhere).
 */
export function PermissionMatrix({
  groups,
  selected,
  onChange,
  grantable,
  readOnly,
}: {
  groups: PermissionGroup[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  grantable: (permission: string) => boolean;
  readOnly: boolean;
}) {
  const toggle = (permissions: string[], on: boolean) => {
    const next = new Set(selected);
    for (const p of permissions) {
      if (on) next.add(p);
      else next.delete(p);
    }
    onChange(next);
  };
  return (
    <div className="relative overflow-x-auto rounded-lg border border-border">
      <table aria-label="Permissions" className="w-full text-left text-sm">
        <thead className="sr-only">
          <tr>
            <th scope="col">Granted</th>
            <th scope="col">Permission</th>
            <th scope="col">What it allows</th>
          </tr>
        </thead>
        {groups.map((group) => {
          const editable = group.entries.map((e) => e.permission).filter(grantable);
          const count = group.entries.filter((e) => selected.has(e.permission)).length;
          const all = count === group.entries.length;
          const scopes = new Set(group.entries.map((e) => e.scope));
          return (
            <tbody key={group.resource}>
              <tr className="bg-row-hover">
                <th scope="colgroup" colSpan={3} className="px-3 py-2 text-left">
                  <label className="flex items-center gap-3 font-medium">
                    <input
                      type="checkbox"
                      className="size-4 accent-primary"
                      checked={all}
                      ref={(el) => {
                        if (el) el.indeterminate = count > 0 && !all;
                      }}
                      disabled={readOnly || editable.length === 0}
                      onChange={(e) => toggle(editable, e.target.checked)}
                      aria-label={`All of ${group.label}`}
                    />
                    {group.label}
                    <span className="text-xs font-normal text-subtle">
                      {count} of {group.entries.length}
                    </span>
                    {scopes.size === 1 && scopes.has("global") ? <Badge tone="amber">Global</Badge> : null}
                  </label>
                </th>
              </tr>
              {group.entries.map((entry) => {
                const id = `perm-${entry.permission}`;
                const canGrant = grantable(entry.permission);
                return (
                  <tr key={entry.permission} className="border-t border-border/60">
                    <td className="w-10 px-3 py-1.5">
                      <input
                        id={id}
                        type="checkbox"
                        className="size-4 accent-primary"
                        checked={selected.has(entry.permission)}
                        disabled={readOnly || !canGrant}
                        title={canGrant ? undefined : "You do not hold this everywhere, so you cannot grant it."}
                        onChange={(e) => toggle([entry.permission], e.target.checked)}
                      />
                    </td>
                    <td className="px-3 py-1.5 whitespace-nowrap">
                      <label htmlFor={id} className="font-mono text-xs">
                        {entry.permission}
                      </label>
                    </td>
                    <td className="px-3 py-1.5 text-muted">
                      {entry.description}
                      {entry.scope === "global" && scopes.size > 1 ? (
                        <>
                          {" "}
                          <Badge tone="amber">Global</Badge>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
