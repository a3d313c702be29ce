// Where `npm start` serves the bundled model (copied from models/ at build time); the worker fetches it from its own
// origin.
export const BUNDLED_MODEL_URL = `${import.meta.env.BASE_URL}models/specmoe-demo-mi/`;
