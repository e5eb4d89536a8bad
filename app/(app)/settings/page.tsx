import { Settings } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Settings" };

export default function Page() {
  return <AreaPlaceholder title="Settings" description="Users, teams, roles and instance settings." icon={Settings} />;
}
