"use client";

import { RowInput } from "../controls";
import { FieldRows } from "../rows";
import { Section } from "../section";
import { newRow } from "../values";

export function LabelsSection() {
  return (
    <Section title="Labels">
      <FieldRows name="labels" legend="Labels" newRow={newRow.labels} addLabel="Add label">
        {(index) => (
          <>
            <RowInput name={`labels.${index}.key`} label="Label key" placeholder="key" className="w-56" />
            <RowInput
              name={`labels.${index}.value`}
              label="Label value"
              placeholder="value"
              className="min-w-40 flex-1"
            />
          </>
        )}
      </FieldRows>
    </Section>
  );
}
