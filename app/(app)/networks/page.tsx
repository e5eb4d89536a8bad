import { Suspense } from "react";
import { NetworksView } from "@/components/networks/networks-view";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Networks" };

export default function NetworksPage() {
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading networks…" />}>
      <NetworksView />
    </Suspense>
  );
}
