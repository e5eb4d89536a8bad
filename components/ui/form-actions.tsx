import type { ReactNode } from "react";
import { Button } from "./button";

/** A dialog form's last row: Cancel, then the primary submit button. */
export function FormActions({
  onCancel,
  pending,
  children,
}: {
  onCancel: () => void;
  pending: boolean;
  /** the submit button's label */
  children: ReactNode;
}) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" variant="primary" pending={pending}>
        {children}
      </Button>
    </div>
  );
}
