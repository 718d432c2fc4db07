export { default as tmpPackReaper } from "./tmp-pack-reaper/index.js";
export { builtinPlugins } from "./builtins.js";
export { default as cruftWriter } from "./cruft-writer/index.js";
