import { SwarmObjectsView } from "@/components/secrets/swarm-objects-view";

export const metadata = { title: "Secrets" };

export default function SecretsPage() {
  return <SwarmObjectsView kind="secret" />;
}
