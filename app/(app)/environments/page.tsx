import { Server } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Environments" };

export default function Page() {
  return (
    <AreaPlaceholder
      title="Environments"
      description="Docker hosts and swarm managers, their status and connection."
      icon={Server}
    />
  );
}
