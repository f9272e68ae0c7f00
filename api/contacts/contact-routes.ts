import { z } from 'zod';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import type { ContactRepository } from '../../sql/repositories/contact-repository.ts';
import type { ConversationRepository } from '../../sql/repositories/conversation-repository.ts';
import type { TicketRepository } from '../../sql/repositories/ticket-repository.ts';
import { ownerFilterOf, requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import { toCallView } from '../calls/call-routes.ts';
import { toConversationView } from '../conversations/conversation-routes.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { toTicketView } from '../tickets/ticket-routes.ts';

export interface ContactRouteDeps {
  readonly contacts: ContactRepository;
  readonly calls: CallRepository;
  readonly conversations: ConversationRepository;
  readonly tickets: TicketRepository;
}

const profile = z.object({
  id: uuid,
  givenName: z.string(),
  familyName: z.string(),
  company: z.string(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  consent: z.record(z.string(), z.boolean()),
  phones: z.array(z.object({ phone: z.string(), label: z.string() })),
  emails: z.array(z.object({ email: z.string(), label: z.string() })),
  updatedAt: timestamp,
});

type ContactRow = NonNullable<Awaited<ReturnType<ContactRepository['findById']>>>;

/** The profile part of a contact, phones and emails masked for `mask`'s principal. */
function toProfile(
  row: ContactRow & {
    readonly phones: readonly { phone: string; label: string }[];
    readonly emails: readonly { email: string; label: string }[];
  },
  mask: ReturnType<typeof contactMaskerFor>,
): z.infer<typeof profile> {
  return {
    id: row.id,
    givenName: row.given_name,
    familyName: row.family_name,
    company: row.company,
    tags: row.tags,
    attributes: row.attributes,
    consent: row.consent,
    phones: row.phones.map((p) => ({ phone: mask.phone(p.phone), label: p.label })),
    emails: row.emails.map((e) => ({ email: mask.email(e.email), label: e.label })),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** How much history the 360 view carries per kind; the rest is a filtered list away. */
const historyLimit = 50;

/**
 * Customer 360: profile, tags, and every call, conversation and ticket.
 * Phones and emails are masked for roles that do not need them.
 */
export function contactRoutes(deps: ContactRouteDeps): RouteDefinition[] {
  const { contacts } = deps;
  const visible = async ({
    params,
    scope,
  }: {
    params: { contactId: string };
    scope: () => Promise<Parameters<typeof ownerFilterOf>[0]>;
  }) => {
    const owner = ownerFilterOf(await scope());
    // A linked contact exists; only the unrestricted scope needs the existence check.
    const visible =
      owner === 'all'
        ? (await contacts.findById(params.contactId)) !== undefined
        : await contacts.linkedTo(params.contactId, owner);
    requireVisible(visible, 'Contact');
  };
  const loadProfile = async (id: string, mask: ReturnType<typeof contactMaskerFor>) => {
    const [row, phones, emails] = await Promise.all([
      contacts.findById(id),
      contacts.phones(id),
      contacts.emails(id),
    ]);
    requireVisible(row !== undefined, 'Contact');
    return toProfile({ ...row!, phones, emails }, mask);
  };
  return [
    defineRoute({
      method: 'get',
      path: '/contacts',
      tag: 'contacts',
      summary: 'Find contacts by exact E.164 phone or email (screen pop); scoped for agents',
      minimumRole: 'agent',
      query: z
        .object({
          phone: z
            .string()
            .regex(/^\+[0-9]{2,20}$/, 'must be E.164, e.g. +15551230000')
            .optional(),
          email: z.email({ message: 'must be an email address' }).optional(),
        })
        .refine((q) => q.phone !== undefined || q.email !== undefined, {
          message: 'give phone or email',
          path: ['phone'],
        }),
      response: z.object({ items: z.array(profile) }),
      handler: async ({ query, scope, principal }) => {
        const owner = ownerFilterOf(await scope());
        const ids = await contacts.search(query, 20);
        const mask = contactMaskerFor(principal);
        const items = [];
        for (const id of ids) {
          if (await contacts.linkedTo(id, owner)) items.push(await loadProfile(id, mask));
        }
        return { body: { items } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/:contactId',
      tag: 'contacts',
      summary: "A contact's 360 view: profile, tags, calls, conversations and tickets",
      minimumRole: 'agent',
      params: z.object({ contactId: uuid }),
      response: profile.extend({
        calls: z.array(z.unknown()),
        conversations: z.array(z.unknown()),
        tickets: z.array(z.unknown()),
      }),
      // No separate authorize step: the visibility rule runs inside the one
      // query below, and a contact outside the scope is a 404 like a missing one.
      handler: async ({ params, principal, scope }) => {
        const s = await scope();
        const mask = contactMaskerFor(principal);
        // One round trip: visibility, the profile and its whole history.
        const view = await contacts.view360(params.contactId, historyLimit, ownerFilterOf(s));
        requireVisible(view !== undefined, 'Contact');
        const row = view!;
        // The contact is visible, but each item of its history keeps its own owner:
        // an agent sees the customer's other calls exist only when they are theirs.
        return {
          body: {
            ...toProfile(row, mask),
            calls: row.calls
              .filter((c) => scopeCovers(s, { agentId: c.agent_id, queueId: c.queue_id }))
              .map((c) => ({ ...toCallView(c, mask.phone), recordings: c.recordings })),
            conversations: row.conversations
              .filter((c) => scopeCovers(s, { agentId: c.assignee_id, queueId: c.queue_id }))
              .map(toConversationView),
            tickets: row.tickets
              .filter((t) => scopeCovers(s, { agentId: t.assignee_id, queueId: t.queue_id }))
              .map(toTicketView),
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/contacts/:contactId/tags',
      tag: 'contacts',
      summary: "Replace a contact's tags",
      minimumRole: 'agent',
      params: z.object({ contactId: uuid }),
      body: z.object({
        tags: z.array(z.string().trim().min(1).max(50)).max(50),
      }),
      response: z.object({ tags: z.array(z.string()) }),
      audit: { action: 'contact.set-tags', targetType: 'contact' },
      authorize: visible,
      handler: async ({ params, body, auditDetails }) => {
        const tags = [...new Set(body.tags)];
        await contacts.updateTags(params.contactId, tags);
        auditDetails({ tags });
        return { body: { tags } };
      },
    }),
  ];
}
