import { Suspense } from "react";
import { ContainersView } from "@/components/containers/containers-view";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Containers" };

export default function ContainersPage() {
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading containers…" />}>
      <ContainersView />
    </Suspense>
  );
}
