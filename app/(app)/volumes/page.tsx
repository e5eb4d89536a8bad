import { HardDrive } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Volumes" };

export default function Page() {
  return <AreaPlaceholder title="Volumes" description="Named volumes on each host." icon={HardDrive} />;
}
