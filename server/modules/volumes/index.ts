export { volumesRouter } from "./router";
export { volumeFilesRoute, VOLUME_FILES_PATH } from "./http";
