import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

export const controlClass =
  "block w-full rounded-md border border-border-strong bg-surface px-3 py-1.5 text-sm text-fg shadow-xs placeholder:text-faint disabled:opacity-60 aria-invalid:border-danger-fg";

interface FieldChrome {
  label: string;
  /** a problem with the value, shown under the control and announced with it */
  error?: string | null;
  /** what the value must look like, shown under the control */
  hint?: ReactNode;
}

function Chrome({
  id,
  label,
  error,
  hint,
  children,
}: FieldChrome & { id: string; children: (describedBy: string | undefined) => ReactNode }) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      {children(describedBy)}
      {hint ? (
        <p id={hintId} className="text-xs text-subtle">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-danger-fg">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, hint, id, ...input }: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <Chrome id={fieldId} label={label} error={error} hint={hint}>
      {(describedBy) => (
        <input
          id={fieldId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={controlClass}
          {...input}
        />
      )}
    </Chrome>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  id,
  ...textarea
}: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <Chrome id={fieldId} label={label} error={error} hint={hint}>
      {(describedBy) => (
        <textarea
          id={fieldId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={`${controlClass} font-mono text-xs`}
          {...textarea}
        />
      )}
    </Chrome>
  );
}

export function SelectField({
  label,
  error,
  hint,
  id,
  children,
  ...select
}: FieldChrome & SelectHTMLAttributes<HTMLSelectElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <Chrome id={fieldId} label={label} error={error} hint={hint}>
      {(describedBy) => (
        <select
          id={fieldId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={controlClass}
          {...select}
        >
          {children}
        </select>
      )}
    </Chrome>
  );
}

export function CheckboxField({
  label,
  description,
  ...input
}: { label: string; description?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="checkbox"
        aria-describedby={description ? `${id}-description` : undefined}
        className="mt-0.5 size-4 rounded border-border-strong accent-primary"
        {...input}
      />
      <div className="text-sm">
        <label htmlFor={id} className="font-medium text-fg">
          {label}
        </label>
        {description ? (
          <p id={`${id}-description`} className="text-xs text-subtle">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
