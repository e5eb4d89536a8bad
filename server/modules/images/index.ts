export { imagesRouter } from "./router";
export { transfersOf, type TransferView } from "./transfers";
