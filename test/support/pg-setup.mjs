export { setup as default } from './pg-global.mjs';
