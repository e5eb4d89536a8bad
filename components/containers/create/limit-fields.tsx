import { SelectField, TextField } from "../../ui/field";
import type { RestartName } from "./form-model";

/** Restart policy and resource limits as the create form and the Update dialog both show them. */
export interface LimitValues {
  restart: RestartName;
  maxRetries: string;
  memoryMb: string;
  cpus: string;
  pidsLimit: string;
}

type Change = (patch: Partial<LimitValues>) => void;
/** The server's or the form's word on a spec field ("restartPolicy.name"), if any. */
type ErrorOf = (field: string) => string | undefined;
const none: ErrorOf = () => undefined;

/** The policy, and the retry bound when it is on-failure (else, with `keepPlace`, an empty grid cell). */
export function RestartPolicyFields({
  values,
  onChange,
  err = none,
  keepPlace = false,
}: {
  values: LimitValues;
  onChange: Change;
  err?: ErrorOf;
  keepPlace?: boolean;
}) {
  return (
    <>
      <SelectField
        label="Restart policy"
        value={values.restart}
        onChange={(e) => onChange({ restart: e.target.value as RestartName })}
        error={err("restartPolicy.name")}
      >
        <option value="no">Never (no)</option>
        <option value="on-failure">On failure</option>
        <option value="unless-stopped">Unless stopped</option>
        <option value="always">Always</option>
      </SelectField>
      {values.restart === "on-failure" ? (
        <TextField
          label="Retries at most"
          inputMode="numeric"
          value={values.maxRetries}
          onChange={(e) => onChange({ maxRetries: e.target.value })}
          placeholder="no limit"
          error={err("restartPolicy.maximumRetryCount")}
        />
      ) : keepPlace ? (
        <div />
      ) : null}
    </>
  );
}

export function ResourceLimitFields({
  values,
  onChange,
  err = none,
}: {
  values: LimitValues;
  onChange: Change;
  err?: ErrorOf;
}) {
  return (
    <>
      <TextField
        label="Memory limit (MB)"
        inputMode="decimal"
        value={values.memoryMb}
        onChange={(e) => onChange({ memoryMb: e.target.value })}
        placeholder="no limit"
        error={err("resources.memoryBytes")}
      />
      <TextField
        label="CPUs"
        inputMode="decimal"
        value={values.cpus}
        onChange={(e) => onChange({ cpus: e.target.value })}
        placeholder="no limit, e.g. 0.5"
        error={err("resources.cpus")}
      />
      <TextField
        label="Processes (pids) limit"
        inputMode="numeric"
        value={values.pidsLimit}
        onChange={(e) => onChange({ pidsLimit: e.target.value })}
        placeholder="no limit"
        error={err("resources.pidsLimit")}
      />
    </>
  );
}
