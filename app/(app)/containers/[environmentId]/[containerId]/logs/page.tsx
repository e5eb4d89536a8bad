import { LogsViewer } from "@/components/containers/logs/logs-viewer";

export const metadata = { title: "Logs" };

export default async function ContainerLogsPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return <LogsViewer environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />;
}
