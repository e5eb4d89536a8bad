"use client";

// The restart policy and resource limits, as the create form and the Update dialog both show
// them: the same names in both forms' values (LimitValues), read from the form context.
import { useFormContext, useWatch } from "react-hook-form";
import { SelectInput, TextInput } from "../controls";
import type { LimitValues } from "../limits";

/** The policy, and the retry bound when it is on-failure (else, with `keepPlace`, an empty grid cell). */
export function RestartPolicyFields({ keepPlace = false }: { keepPlace?: boolean }) {
  const { control } = useFormContext<LimitValues>();
  const policy = useWatch({ control, name: "restartPolicy.name" });
  return (
    <>
      <SelectInput name="restartPolicy.name" label="Restart policy">
        <option value="no">Never (no)</option>
        <option value="on-failure">On failure</option>
        <option value="unless-stopped">Unless stopped</option>
        <option value="always">Always</option>
      </SelectInput>
      {policy === "on-failure" ? (
        <TextInput
          name="restartPolicy.maximumRetryCount"
          label="Retries at most"
          inputMode="numeric"
          placeholder="no limit"
        />
      ) : keepPlace ? (
        <div />
      ) : null}
    </>
  );
}

export function ResourceLimitFields() {
  return (
    <>
      <TextInput name="resources.memoryMb" label="Memory limit (MB)" inputMode="decimal" placeholder="no limit" />
      <TextInput name="resources.cpus" label="CPUs" inputMode="decimal" placeholder="no limit, e.g. 0.5" />
      <TextInput name="resources.pidsLimit" label="Processes (pids) limit" inputMode="numeric" placeholder="no limit" />
    </>
  );
}
