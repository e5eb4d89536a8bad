import { Container } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Containers" };

export default function Page() {
  return (
    <AreaPlaceholder
      title="Containers"
      description="Containers across every environment you may see."
      icon={Container}
    />
  );
}
