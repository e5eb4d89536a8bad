// The one way a workload form is checked: react-hook-form's zod resolver over the server's own
// schemas. A form's values are text as typed; `convert` turns them into the spec (and runs the
// shared schema on it, containerSpec or updateSpec), putting every problem on the form field
// it belongs to. The resolver hands the form those errors, or the parsed spec to submit.
import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldValues, Resolver } from "react-hook-form";
import { z } from "zod";

export interface Converted<Spec> {
  /** the spec, when the values make a valid one */
  spec?: Spec;
  /** every problem, on its form field ("ports.3.hostPort") */
  issues: { path: string; message: string }[];
}

export function specResolver<Values extends FieldValues, Spec>(
  convert: (values: Values) => Converted<Spec>,
): Resolver<Values, unknown, Spec> {
  // (Not memoised by the values object: react-hook-form changes it in place.)
  const of = convert;
  const schema = z
    .custom<Values>((values) => typeof values === "object" && values !== null)
    .superRefine((values, ctx) => {
      for (const issue of of(values).issues) {
        ctx.addIssue({ code: "custom", path: issue.path.split("."), message: issue.message });
      }
    })
    .transform((values) => of(values).spec ?? z.NEVER);
  return zodResolver(schema);
}
