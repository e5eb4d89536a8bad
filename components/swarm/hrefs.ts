import type { ViewSpec } from "../data-table/url-view";

/** A service's details page, reached through the environment that served its row. */
export function serviceHref(environmentId: string, serviceId: string): string {
  return `/swarm/services/${encodeURIComponent(environmentId)}/${encodeURIComponent(serviceId)}`;
}

export const SERVICES_VIEW: ViewSpec<never> = {
  filters: [],
  sortable: ["name", "mode", "replicas", "image", "stack"],
  defaultSort: { id: "name", desc: false },
};
