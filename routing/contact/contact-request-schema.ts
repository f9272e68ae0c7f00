import { z } from 'zod';
import type { SkillRequirement } from '../../ivr/acd.ts';
import { contactIdSchema, routingName } from '../routing-ids.ts';

/** Validates the port's `ContactRequest` (ivr/acd.ts). */
export const contactRequestSchema = z.object({
  contactId: contactIdSchema,
  channel: z.enum(['voice', 'chat', 'email']),
  queueId: routingName,
  requiredSkills: z
    .array(z.object({ skill: routingName, minLevel: z.number().int().min(1).max(10) }))
    .max(20),
  priority: z.number().int().min(1).max(5),
  callerNumber: z.string().max(64).optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

export const skillRequirementsSchema = contactRequestSchema.shape.requiredSkills;

/**
 * The requirement signature: skills sorted by name, `skill:minLevel` joined
 * by commas, the strictest level kept when a skill repeats. Contacts with one
 * signature wait in one bucket (see routing/README.md).
 *
 * @example
 * requirementSignature([{ skill: 'spanish', minLevel: 2 }, { skill: 'billing', minLevel: 5 }])
 * // 'billing:5,spanish:2'
 */
export function requirementSignature(requirements: readonly SkillRequirement[]): string {
  const strictest = new Map<string, number>();
  for (const { skill, minLevel } of requirements) {
    strictest.set(skill, Math.max(minLevel, strictest.get(skill) ?? 0));
  }
  return [...strictest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([skill, level]) => `${skill}:${level}`)
    .join(',');
}
