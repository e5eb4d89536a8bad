import { Suspense } from "react";
import { ContainerFiles } from "@/components/containers/files/container-files";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Files" };

export default async function ContainerFilesPage({
  params,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
}) {
  const { environmentId, containerId } = await params;
  // The folder comes from ?path= (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading files…" />}>
      <ContainerFiles environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)} />
    </Suspense>
  );
}
