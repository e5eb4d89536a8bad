// Creating and changing containers: create from a closed schema, update restart policy and
// resources. Every door that starts a workload goes through one policy function.
// (Filled in by the create/update work; spread into the containers router.)
export const containerCreateProcedures = {};
