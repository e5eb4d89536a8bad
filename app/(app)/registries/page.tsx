import { RegistriesView } from "@/components/registries/registries-view";

export const metadata = { title: "Registries" };

export default function RegistriesPage() {
  return <RegistriesView />;
}
