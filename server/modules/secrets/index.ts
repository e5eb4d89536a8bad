export { configsRouter, secretsRouter } from "./router";
