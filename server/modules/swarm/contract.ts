// What the browser shares with the swarm module: the service spec's schema and types (the form
// validates with the same schema the server does).
export { serviceSpec as serviceSpecInput, type ServiceSpec, type ServiceSpecInput } from "../../workloads/service-spec";
