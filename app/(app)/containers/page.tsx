import { Suspense } from "react";
import { ContainersView } from "@/components/containers/containers-view";
import { servedFirstScreen } from "@/components/containers/served-first-screen";
import { Loading } from "@/components/ui/loading";

export const metadata = { title: "Containers" };

export default async function ContainersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // The first screen of the view the URL asks for (its search, filters and sort), answered here
  // as `containers.list({ first })` answers this caller, and drawn into the page's HTML: the first
  // rows show as the page arrives, not after its scripts load and ask for them. The whole list
  // and the live feed follow in the browser, as before. (The layout has signed the caller in.)
  const initialFirst = await servedFirstScreen(await searchParams);
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading label="Loading containers…" />}>
      <ContainersView initialFirst={initialFirst} />
    </Suspense>
  );
}
