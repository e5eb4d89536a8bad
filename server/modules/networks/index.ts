export { networksRouter } from "./router";
