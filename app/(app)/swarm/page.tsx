import { Boxes } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Swarm" };

export default function Page() {
  return (
    <AreaPlaceholder title="Swarm" description="Nodes, services, tasks, stacks, secrets and configs." icon={Boxes} />
  );
}
