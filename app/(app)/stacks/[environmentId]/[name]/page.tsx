import { StackView } from "@/components/stacks/stack-view";

export const metadata = { title: "Stack" };

export default async function StackPage({ params }: { params: Promise<{ environmentId: string; name: string }> }) {
  const { environmentId, name } = await params;
  return <StackView environmentId={decodeURIComponent(environmentId)} name={decodeURIComponent(name)} />;
}
