export { registriesRouter } from "./router";
export { engineAuthFor, encodeEngineAuth, type RegistryDeps } from "./registries";
export { RegistryClient, RegistryProblem, normaliseRegistryUrl, registryHostOfUrl } from "./client";
