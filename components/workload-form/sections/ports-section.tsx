"use client";

import { useFormContext } from "react-hook-form";
import { controlClass } from "../../ui/field";
import { RowInput } from "../controls";
import { FieldRows } from "../rows";
import { Section } from "../section";
import { newRow, type ContainerFormValues } from "../values";

export function PortsSection() {
  const { register } = useFormContext<ContainerFormValues>();
  return (
    <Section title="Ports" description="Publish container ports on the host. No host port: Docker picks a free one.">
      <FieldRows name="ports" legend="Published ports" newRow={newRow.ports} addLabel="Add port">
        {(index) => (
          <>
            <RowInput name={`ports.${index}.hostIp`} label="Host IP" placeholder="all addresses" className="w-36" />
            <RowInput name={`ports.${index}.hostPort`} label="Host port" inputMode="numeric" className="w-28" />
            <span aria-hidden className="pt-1.5 text-faint">
              →
            </span>
            <RowInput
              name={`ports.${index}.containerPort`}
              label="Container port"
              inputMode="numeric"
              className="w-32"
            />
            <div className="w-24">
              <select aria-label="Protocol" className={controlClass} {...register(`ports.${index}.protocol`)}>
                <option value="tcp">tcp</option>
                <option value="udp">udp</option>
                <option value="sctp">sctp</option>
              </select>
            </div>
          </>
        )}
      </FieldRows>
    </Section>
  );
}
