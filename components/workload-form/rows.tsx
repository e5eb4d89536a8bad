"use client";

// A list of rows (variables, ports, volumes, …) as a react-hook-form field array: an Add
// button (the new row's first input takes the focus, so typing goes on in it) and a Remove
// button per row, in a fieldset named by `legend`.
import { Plus, Trash2 } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useFieldArray, useFormContext } from "react-hook-form";
import { Button } from "../ui/button";
import { ErrorText, useFieldError } from "./controls";

export function FieldRows<Row extends object>({
  name,
  legend,
  hint,
  newRow,
  addLabel,
  children,
}: {
  /** the array's path in the form values ("ports", "hostAccess.bindMounts") */
  name: string;
  legend: string;
  hint?: ReactNode;
  newRow: () => Row;
  addLabel: string;
  /** the row's inputs, named `${name}.${index}.<field>` */
  children: (index: number) => ReactNode;
}) {
  const { control } = useFormContext();
  // The array's path is dynamic here; each section names a real one.
  const { fields, append, remove } = useFieldArray({ control, name: name as never });
  const error = useFieldError(name);
  const list = useRef<HTMLUListElement>(null);
  const [added, setAdded] = useState(0);
  // A row added from the keyboard gets the focus, so typing goes on in it.
  useEffect(() => {
    if (added) list.current?.querySelector<HTMLElement>("li:last-child input, li:last-child select")?.focus();
  }, [added]);
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-fg">{legend}</legend>
      {hint ? <p className="text-xs text-subtle">{hint}</p> : null}
      {fields.length ? (
        <ul ref={list} className="space-y-2">
          {fields.map((field, index) => (
            <li key={field.id} className="flex items-start gap-2">
              <div className="flex min-w-0 flex-1 flex-wrap items-start gap-2">{children(index)}</div>
              <Button
                size="icon"
                variant="quiet"
                aria-label={`Remove ${legend.toLowerCase()} row ${index + 1}`}
                title="Remove"
                onClick={() => remove(index)}
              >
                <Trash2 aria-hidden className="size-4" />
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorText>{error}</ErrorText>
      <Button
        size="sm"
        onClick={() => {
          append(newRow(), { shouldFocus: false });
          setAdded((n) => n + 1);
        }}
      >
        <Plus aria-hidden className="size-3.5" />
        {addLabel}
      </Button>
    </fieldset>
  );
}
