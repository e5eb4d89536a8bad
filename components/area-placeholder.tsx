import type { LucideIcon } from "lucide-react";
import { EmptyState } from "./empty-state";
import { PageHeader } from "./page-header";

/** An area of the product whose pages are not built yet: says so plainly. */
export function AreaPlaceholder({
  title,
  description,
  icon,
}: {
  title: string;
  description: string;
  icon: LucideIcon;
}) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState icon={icon} title={`Nothing to show yet`}>
        This part of Stevedore is not built yet. It will list what the environments you may see hold.
      </EmptyState>
    </>
  );
}
