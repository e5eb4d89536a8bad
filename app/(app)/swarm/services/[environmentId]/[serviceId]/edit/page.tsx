import { EditServicePage } from "@/components/swarm/service-form/service-form-pages";

export const metadata = { title: "Update a service" };

export default async function ServiceEditPage({
  params,
}: {
  params: Promise<{ environmentId: string; serviceId: string }>;
}) {
  const { environmentId, serviceId } = await params;
  return (
    <EditServicePage environmentId={decodeURIComponent(environmentId)} serviceId={decodeURIComponent(serviceId)} />
  );
}
