/** Jest global teardown: stops the shared test cluster (see global-setup.js). */
export { teardown as default } from './global-setup.js';
