"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { Button } from "../../ui/button";
import { RowInput } from "../controls";
import { FieldRows } from "../rows";
import { Section } from "../section";
import { newRow, type ContainerFormValues } from "../values";

/** One variable: its value, or (duplicated) "kept from the source container" until replaced. */
function EnvRowInputs({ index }: { index: number }) {
  const { control, setValue } = useFormContext<ContainerFormValues>();
  const kept = useWatch({ control, name: `env.${index}.fromSource` });
  return (
    <>
      <RowInput name={`env.${index}.name`} label="Variable name" placeholder="NAME" className="w-48" />
      {kept ? (
        <div className="flex flex-1 items-center gap-2 text-sm text-muted">
          <span className="rounded bg-hover px-2 py-1 text-xs">kept from the source container</span>
          <Button
            size="sm"
            variant="quiet"
            onClick={() => {
              setValue(`env.${index}.fromSource`, false, { shouldValidate: true });
              setValue(`env.${index}.value`, "", { shouldValidate: true });
            }}
          >
            Replace value
          </Button>
        </div>
      ) : (
        <RowInput name={`env.${index}.value`} label="Variable value" placeholder="value" className="min-w-48 flex-1" />
      )}
    </>
  );
}

export function EnvSection() {
  return (
    <Section title="Environment variables">
      <FieldRows name="env" legend="Variables" newRow={newRow.env} addLabel="Add variable">
        {(index) => <EnvRowInputs index={index} />}
      </FieldRows>
    </Section>
  );
}
