export {};
export { default as tmpPackReaper } from "./tmp-pack-reaper/index.js";
