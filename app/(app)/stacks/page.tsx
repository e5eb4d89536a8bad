import { StacksView } from "@/components/stacks/stacks-view";

export const metadata = { title: "Stacks" };

export default function StacksPage() {
  return <StacksView />;
}
