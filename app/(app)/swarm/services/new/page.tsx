import { CreateServicePage } from "@/components/swarm/service-form/service-form-pages";

export const metadata = { title: "Create a service" };

export default function NewServicePage() {
  return <CreateServicePage />;
}
