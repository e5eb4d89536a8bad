import { EnvironmentsView } from "@/components/environments/environments-view";

export const metadata = { title: "Environments" };

export default function EnvironmentsPage() {
  return <EnvironmentsView />;
}
