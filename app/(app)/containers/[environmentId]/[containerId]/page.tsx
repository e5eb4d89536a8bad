import { ContainerOverview } from "@/components/containers/details/container-overview";

export const metadata = { title: "Container" };

export default async function ContainerOverviewPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerOverview
      environmentId={decodeURIComponent(environmentId)}
      containerId={decodeURIComponent(containerId)}
    />
  );
}
