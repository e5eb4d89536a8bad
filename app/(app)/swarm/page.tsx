import { Suspense } from "react";
import { SwarmView } from "@/components/swarm/swarm-view";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Swarm" };

export default function SwarmPage() {
  // The services list keeps its search in the URL (useSearchParams): that needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading the swarms…" />}>
      <SwarmView />
    </Suspense>
  );
}
