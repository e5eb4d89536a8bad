import { Layers } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Images" };

export default function Page() {
  return <AreaPlaceholder title="Images" description="Images on each host, pulls and pushes." icon={Layers} />;
}
