import { Server } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { SystemStatus } from "@/components/system-status";

export default function HomePage() {
  return (
    <>
      <PageHeader title="Home" description="Every Docker host and swarm you manage, at a glance." />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <EmptyState icon={Server} title="No environments yet">
          Environments are the Docker hosts and swarm managers Stevedore manages. Each will show here as a card with its
          status, engine and counts.
        </EmptyState>
        <SystemStatus />
      </div>
    </>
  );
}
