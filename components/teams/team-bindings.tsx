import Link from "next/link";
import type { TeamRow } from "./types";

/** What the team may do, read-only here: bindings are given and taken on the Access tab. */
export function TeamBindings({ team }: { team: TeamRow }) {
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-medium text-fg">Roles</h3>
      {team.bindings.length === 0 ? (
        <p className="text-sm text-subtle">This team has no role yet, so its members get nothing from it.</p>
      ) : (
        <ul aria-label={`Roles of ${team.name}`} className="space-y-1 text-sm">
          {team.bindings.map((binding) => (
            <li key={binding.id}>
              <span className="font-medium">{binding.role.name}</span>{" "}
              <span className="text-subtle">
                on {binding.environment ? binding.environment.name : "all environments"}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Link href="/settings/access" className="inline-block text-sm text-primary-fg underline">
        Manage access
      </Link>
    </div>
  );
}
