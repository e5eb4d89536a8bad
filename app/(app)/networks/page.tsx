import { Network } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Networks" };

export default function Page() {
  return <AreaPlaceholder title="Networks" description="Networks on each host and swarm." icon={Network} />;
}
