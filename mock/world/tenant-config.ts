/**
 * A tenant's configuration: its profile field definitions and tag tree, as `tanma-mock probe`
 * measures them (list-fields, tags/list-tree) and a generated world then uses
 * (mock/world/generate/catalog.ts). One schema for the calibration file, createMock's `tenant` option
 * and a recipe's `generate.tenant`.
 */
import { z } from 'zod'

export const tenantConfigSchema = z.strictObject({
  fields: z
    .array(
      z.strictObject({
        id: z.number(),
        name: z.string(),
        type: z.number(),
        outerField: z.string().nullable().optional(),
        options: z.array(z.strictObject({ id: z.number(), name: z.string() })).optional(),
        stable: z.boolean().optional(),
        customerImportRequired: z.boolean().optional(),
      }),
    )
    .optional(),
  tagGroups: z.array(z.strictObject({ name: z.string(), tags: z.array(z.string()) })).optional(),
  members: z.number().int().optional(),
  departments: z.number().int().optional(),
})
export type TenantConfig = z.infer<typeof tenantConfigSchema>
