// What the browser shares with the swarm module: the service spec's schema and types (the form
// validates with the same schema the server does).
export { serviceSpecInput, type ServiceSpec, type ServiceSpecInput } from "./service-spec";
