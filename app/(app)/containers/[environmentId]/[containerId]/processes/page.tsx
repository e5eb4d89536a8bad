import { ContainerProcesses } from "@/components/containers/details/container-processes";

export const metadata = { title: "Processes" };

export default async function ContainerProcessesPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerProcesses
      environmentId={decodeURIComponent(environmentId)}
      containerId={decodeURIComponent(containerId)}
    />
  );
}
