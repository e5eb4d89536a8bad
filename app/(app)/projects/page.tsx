import { ComposeProjectsView } from "@/components/compose/projects-view";

export const metadata = { title: "Compose projects" };

export default function ComposeProjectsPage() {
  return <ComposeProjectsView />;
}
