import { ContainerStats } from "@/components/containers/stats/container-stats";

export const metadata = { title: "Stats" };

export default async function ContainerStatsPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerStats environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />
  );
}
