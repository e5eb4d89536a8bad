import { ComposeProjectView } from "@/components/compose/project-view";

export const metadata = { title: "Compose project" };

export default async function ComposeProjectPage({
  params,
}: {
  params: Promise<{ environmentId: string; project: string }>;
}) {
  const { environmentId, project } = await params;
  return <ComposeProjectView environmentId={decodeURIComponent(environmentId)} project={decodeURIComponent(project)} />;
}
