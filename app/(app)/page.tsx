import { FleetOverview } from "@/components/home/fleet-overview";
import { PageHeader } from "@/components/page-header";
import { SystemStatus } from "@/components/system-status";

export default function HomePage() {
  return (
    <>
      <PageHeader title="Home" description="Every Docker host and swarm you manage, at a glance." />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0">
          <FleetOverview />
        </div>
        <SystemStatus />
      </div>
    </>
  );
}
