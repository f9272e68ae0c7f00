import { z } from 'zod';

/**
 * Queue, agent and skill names become parts of Redis keys and requirement
 * signatures, so they may not hold separators (`:`, `,`, `|`) or spaces.
 */
export const routingName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/, 'use letters, digits and . _ @ + - (max 128)');

/** Contact ids are SIP Call-IDs and similar: anything printable without spaces. */
export const contactIdSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,256}$/, 'use 1-256 printable characters without spaces');
