import { CreateContainerPage } from "@/components/containers/create/create-container-form";

export const metadata = { title: "Create container" };

/** /containers/new, or /containers/new?from=<environmentId>/<containerId> to duplicate one. */
export default async function NewContainerPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string | string[] }>;
}) {
  const { from } = await searchParams;
  return <CreateContainerPage from={typeof from === "string" ? from : undefined} />;
}
