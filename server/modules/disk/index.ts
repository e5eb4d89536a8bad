export { diskRouter } from "./router";
