import { ConsoleView } from "@/components/console/console-view";

export const metadata = { title: "Console" };

export default async function ConsolePage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ConsoleView environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />
  );
}
