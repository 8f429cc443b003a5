/** How big a world may be, wherever its size is given: options and flags, recipes, World.build. */
export const WORLD_LIMITS = {
  /** Generated customers: 20 million take about 40 s and several GB to build. */
  customers: 20_000_000,
  staff: 10_000,
} as const
