// Looking inside one container: processes (top), filesystem changes (diff), live stats,
// and files (browse, download, upload). Spread into the containers router.
export const containerInspectProcedures = {};
