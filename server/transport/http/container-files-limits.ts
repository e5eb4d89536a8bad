// What the container files endpoint accepts, in a file of its own so pages can show it
// without bundling the server.
export const CONTAINER_FILES_PREFIX = "/api/containers/files";
/** The largest file one upload may carry. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
