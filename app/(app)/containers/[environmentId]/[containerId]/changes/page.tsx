import { ContainerChanges } from "@/components/containers/details/container-changes";

export const metadata = { title: "Changes" };

export default async function ContainerChangesPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerChanges environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />
  );
}
