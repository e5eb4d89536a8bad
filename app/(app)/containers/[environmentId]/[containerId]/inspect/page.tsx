import { ContainerInspect } from "@/components/containers/details/container-inspect";

export const metadata = { title: "Inspect" };

export default async function ContainerInspectPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerInspect environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />
  );
}
