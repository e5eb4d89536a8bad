import { Suspense } from "react";
import { ImagesView } from "@/components/images/images-view";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Images" };

export default function ImagesPage() {
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading images…" />}>
      <ImagesView />
    </Suspense>
  );
}
