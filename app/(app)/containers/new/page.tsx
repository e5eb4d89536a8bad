import { CreateContainerPage } from "@/components/containers/create/create-container-form";

export const metadata = { title: "Create container" };

/**
 * /containers/new, or /containers/new?from=<environmentId>/<containerId> to duplicate one, or
 * ?replace=<environmentId>/<containerId> to replace one with an edited copy.
 */
export default async function NewContainerPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string | string[]; replace?: string | string[] }>;
}) {
  const { from, replace } = await searchParams;
  return (
    <CreateContainerPage
      from={typeof from === "string" ? from : undefined}
      replace={typeof replace === "string" ? replace : undefined}
    />
  );
}
