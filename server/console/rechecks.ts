// Open consoles re-check their caller's credential and permissions every few seconds, so a
// revoked permission, an ended session or token, or a disabled account reaches them within
// seconds. The one implementation serves consoles and streams alike: server/rbac/revocation.ts.
export { PermissionRechecks, permissionRechecksFor, RECHECK_EVERY_MS, type RecheckListener } from "../rbac/revocation";
