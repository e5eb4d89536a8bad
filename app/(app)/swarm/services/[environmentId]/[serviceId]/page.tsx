import { ServiceDetails } from "@/components/swarm/service-details";

export const metadata = { title: "Service" };

export default async function ServicePage({
  params,
}: {
  params: Promise<{ environmentId: string; serviceId: string }>;
}) {
  const { environmentId, serviceId } = await params;
  return <ServiceDetails environmentId={decodeURIComponent(environmentId)} serviceId={decodeURIComponent(serviceId)} />;
}
