// Imports a module of the built app. CTIDESK_DIST: a build elsewhere (e.g. while the checkout's
// dist/ is someone else's).
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const dist = process.env.CTIDESK_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

export const loadDist = (path) => import(pathToFileURL(join(dist, path)).href);
