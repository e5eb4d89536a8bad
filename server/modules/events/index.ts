export { eventsRouter } from "./router";
