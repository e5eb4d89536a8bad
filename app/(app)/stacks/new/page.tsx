import { NewStackView } from "@/components/stacks/new-stack-view";

export const metadata = { title: "Deploy a stack" };

export default function NewStackPage() {
  return <NewStackView />;
}
