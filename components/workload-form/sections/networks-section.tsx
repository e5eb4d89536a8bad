"use client";

import { RowInput } from "../controls";
import { FieldRows } from "../rows";
import { Section } from "../section";
import { newRow } from "../values";

export function NetworksSection({
  networks,
  listId,
}: {
  networks: { name: string; driver: string }[];
  listId: string;
}) {
  return (
    <Section title="Networks" description="None: the default bridge. The first one listed is joined at create.">
      <FieldRows name="networks" legend="Networks" newRow={newRow.networks} addLabel="Add network">
        {(index) => (
          <>
            <RowInput name={`networks.${index}.name`} label="Network" className="w-48" list={listId} />
            <RowInput
              name={`networks.${index}.aliases`}
              label="Aliases"
              placeholder="aliases, comma separated"
              className="min-w-40 flex-1"
            />
          </>
        )}
      </FieldRows>
      <datalist id={listId}>
        {networks
          .filter((n) => n.name !== "host" && n.name !== "none")
          .map((n) => (
            <option key={n.name} value={n.name}>
              {n.driver}
            </option>
          ))}
      </datalist>
    </Section>
  );
}
