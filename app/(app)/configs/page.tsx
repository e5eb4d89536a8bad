import { SwarmObjectsView } from "@/components/secrets/swarm-objects-view";

export const metadata = { title: "Configs" };

export default function ConfigsPage() {
  return <SwarmObjectsView kind="config" />;
}
