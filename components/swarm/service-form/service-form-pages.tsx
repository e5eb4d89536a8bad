"use client";

// /swarm/services/new and /swarm/services/<environment>/<service>/edit: the service form, empty
// for a create on a swarm the caller may create on, or filled from the service's current spec.
import { useQuery } from "@tanstack/react-query";
import { Boxes } from "lucide-react";
import { holdsSomewhere } from "../../auth/viewer";
import { useViewer } from "../../auth/viewer-context";
import { holdsOn } from "../../containers/holds-on";
import { EmptyState } from "../../empty-state";
import { PageHeader } from "../../page-header";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Loading } from "../../ui/loading";
import { NoPermission } from "../../ui/no-permission";
import { QueryError } from "../../ui/query-error";
import { emptyServiceForm, fromServiceSpec } from "./form-model";
import { ServiceForm } from "./service-form";

export function CreateServicePage() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const clusters = useQuery(trpc.swarm.clusters.queryOptions());
  const header = (
    <PageHeader title="Create a service" description="docker service create, on a swarm you may change." />
  );
  if (!holdsSomewhere(viewer, "service.create")) return <NoPermission permission="service.create" />;
  if (clusters.isPending)
    return (
      <>
        {header}
        <Loading label="Loading the swarms…" />
      </>
    );
  if (clusters.isError)
    return (
      <>
        {header}
        <QueryError error={clusters.error} what="the swarms" onRetry={() => void clusters.refetch()} />
      </>
    );
  const allowed = clusters.data.items
    .filter((c) => holdsOn(viewer, "service.create", c.source.environmentId))
    .map((c) => ({ environmentId: c.source.environmentId, label: `${c.label} (${c.id.slice(0, 12)})` }));
  if (!allowed.length)
    return (
      <>
        {header}
        <EmptyState icon={Boxes} title="No swarm to create on">
          None of the swarms you may see lets you create services. Ask an administrator for a role on a manager.
        </EmptyState>
      </>
    );
  return (
    <>
      {header}
      <ServiceForm target={{ kind: "create", clusters: allowed }} initial={emptyServiceForm()} />
    </>
  );
}

export function EditServicePage({ environmentId, serviceId }: { environmentId: string; serviceId: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const detail = useQuery({
    ...trpc.services.get.queryOptions({ environmentId, id: serviceId }),
    // The form is filled once: live changes must not overwrite what is being typed.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (!holdsOn(viewer, "service.update", environmentId)) return <NoPermission permission="service.update" />;
  if (detail.isPending) return <Loading label="Reading the service…" />;
  if (detail.isError)
    return <QueryError error={detail.error} what="the service" onRetry={() => void detail.refetch()} />;
  const { service, spec, kept } = detail.data;
  return (
    <>
      <PageHeader title={`Update ${service.name}`} description="docker service update, from the spec it runs now." />
      {kept.length ? (
        <div className="mb-4">
          <Alert tone="info" title="Kept as the service has them">
            The form does not edit {kept.join(", ")}: the update leaves {kept.length > 1 ? "them" : "it"} as{" "}
            {kept.length > 1 ? "they are" : "it is"}.
          </Alert>
        </div>
      ) : null}
      <ServiceForm
        key={service.id}
        target={{ kind: "update", environmentId, serviceId: service.id }}
        initial={fromServiceSpec(spec)}
      />
    </>
  );
}
