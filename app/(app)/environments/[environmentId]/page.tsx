import { EnvironmentView } from "@/components/environments/environment-view";

export const metadata = { title: "Environment" };

export default async function EnvironmentPage({ params }: { params: Promise<{ environmentId: string }> }) {
  const { environmentId } = await params;
  return <EnvironmentView environmentId={decodeURIComponent(environmentId)} />;
}
