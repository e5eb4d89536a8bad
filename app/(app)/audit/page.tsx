import { ScrollText } from "lucide-react";
import { AreaPlaceholder } from "@/components/area-placeholder";

export const metadata = { title: "Audit" };

export default function Page() {
  return <AreaPlaceholder title="Audit" description="Who changed what, where, and when." icon={ScrollText} />;
}
