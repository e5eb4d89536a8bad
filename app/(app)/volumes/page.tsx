import { Suspense } from "react";
import { Loading } from "@/components/ui/loading";
import { VolumesView } from "@/components/volumes/volumes-view";

export const metadata = { title: "Volumes" };

export default function VolumesPage() {
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading volumes…" />}>
      <VolumesView />
    </Suspense>
  );
}
