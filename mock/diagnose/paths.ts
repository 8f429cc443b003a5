/** The endpoints' paths, read lazily (ENDPOINTS imports the pipeline, which imports this). */
import { ENDPOINTS } from '../endpoints/index.js'

let paths: readonly string[] | undefined
export const ENDPOINT_PATHS = (): readonly string[] => (paths ??= ENDPOINTS.map((e) => e.path))
