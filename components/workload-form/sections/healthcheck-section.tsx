"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { TextInput } from "../controls";
import { Section } from "../section";
import type { ContainerFormValues } from "../values";

const MODES = [
  ["image", "The image's own (if it has one)"],
  ["custom", "A command of my own"],
  ["none", "None (turn the image's off)"],
] as const;

export function HealthcheckSection() {
  const { control, register } = useFormContext<ContainerFormValues>();
  const mode = useWatch({ control, name: "healthcheck.mode" });
  return (
    <Section title="Healthcheck">
      <fieldset className="space-y-2">
        <legend className="sr-only">Healthcheck</legend>
        {MODES.map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm text-fg">
            <input type="radio" value={value} className="size-4 accent-primary" {...register("healthcheck.mode")} />
            {label}
          </label>
        ))}
      </fieldset>
      {mode === "custom" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <TextInput
              name="healthcheck.command"
              label="Health command"
              placeholder="e.g. wget -q -O- http://localhost/ || exit 1"
              spellCheck={false}
              hint="Run by the container's shell; exit 0 means healthy."
            />
          </div>
          <TextInput name="healthcheck.intervalSeconds" label="Interval (s)" inputMode="decimal" placeholder="30" />
          <TextInput name="healthcheck.timeoutSeconds" label="Timeout (s)" inputMode="decimal" placeholder="30" />
          <TextInput name="healthcheck.retries" label="Retries" inputMode="numeric" placeholder="3" />
          <TextInput
            name="healthcheck.startPeriodSeconds"
            label="Start period (s)"
            inputMode="decimal"
            placeholder="0"
          />
        </div>
      ) : null}
    </Section>
  );
}
