import { z } from 'zod';
import type { ConversationRepository } from '../../sql/repositories/conversation-repository.ts';
import { ownerFilterOf, requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import { redactSensitiveText } from '../privacy/sensitive-text.ts';
import { isoTime, limit, timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const status = z.enum(['open', 'queued', 'assigned', 'closed']);
const conversationView = z.object({
  id: uuid,
  channel: z.enum(['voice', 'chat', 'email']),
  status,
  subject: z.string(),
  contactId: uuid.nullable(),
  queueId: uuid.nullable(),
  assigneeId: uuid.nullable(),
  callId: uuid.nullable(),
  updatedAt: timestamp,
});
const messageView = z.object({
  id: uuid,
  direction: z.string(),
  authorUserId: uuid.nullable(),
  body: z.string(),
  createdAt: timestamp,
});

/** A list row (times as text) or a whole row (times as Dates). */
type ConversationRow = Omit<
  Awaited<ReturnType<ConversationRepository['list']>>[number],
  'updated_at'
> & { readonly updated_at: Date | string };

/**
 * Conversations: an agent's own and their queues', with messages. Replies
 * have card and national-id numbers redacted before storage when the
 * setting is on.
 */
export function conversationRoutes(deps: {
  conversations: ConversationRepository;
  redactStoredMessages: boolean;
}): RouteDefinition[] {
  const { conversations } = deps;
  const visible = async ({
    params,
    scope,
  }: {
    params: { conversationId: string };
    scope: () => Promise<Parameters<typeof scopeCovers>[0]>;
  }) => {
    const row = await conversations.findById(params.conversationId);
    requireVisible(
      row !== undefined &&
        scopeCovers(await scope(), { agentId: row.assignee_id, queueId: row.queue_id }),
      'Conversation',
    );
  };
  return [
    defineRoute({
      method: 'get',
      path: '/conversations',
      tag: 'conversations',
      summary: 'My conversations: assigned to me or waiting in my queues (newest activity first)',
      minimumRole: 'agent',
      query: z.object({ status: status.optional(), limit }),
      response: z.object({ items: z.array(conversationView) }),
      handler: async ({ query, scope }) => {
        const rows = await conversations.list({
          owner: ownerFilterOf(await scope()),
          status: query.status,
          limit: query.limit,
        });
        return { body: { items: rows.map(toConversationView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/conversations/:conversationId',
      tag: 'conversations',
      summary: 'One conversation with its messages',
      minimumRole: 'agent',
      params: z.object({ conversationId: uuid }),
      response: conversationView.extend({ messages: z.array(messageView) }),
      authorize: visible,
      handler: async ({ params }) => {
        const row = (await conversations.findById(params.conversationId))!;
        const messages = await conversations.messages(row.id, 500);
        return {
          body: {
            ...toConversationView(row),
            messages: messages.map((m) => ({
              id: m.id,
              direction: m.direction,
              authorUserId: m.author_user_id,
              body: m.body,
              createdAt: m.created_at.toISOString(),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/conversations/:conversationId/messages',
      tag: 'conversations',
      summary: 'Reply to the customer, or add an internal note',
      minimumRole: 'agent',
      params: z.object({ conversationId: uuid }),
      body: z.object({
        body: z.string().trim().min(1, 'must not be empty').max(100_000),
        internal: z.boolean().default(false),
      }),
      response: messageView,
      successStatus: 201,
      audit: { action: 'conversation.add-message', targetType: 'conversation' },
      authorize: visible,
      handler: async ({ params, body, principal, auditDetails }) => {
        const text = deps.redactStoredMessages ? redactSensitiveText(body.body) : body.body;
        const m = await conversations.insertMessage({
          conversation_id: params.conversationId,
          direction: body.internal ? 'internal' : 'outbound',
          author_user_id: principal.userId,
          body: text,
        });
        auditDetails({ messageId: m.id, redacted: text !== body.body });
        return {
          body: {
            id: m.id,
            direction: m.direction,
            authorUserId: m.author_user_id,
            body: m.body,
            createdAt: m.created_at.toISOString(),
          },
        };
      },
    }),
  ];
}

export function toConversationView(row: ConversationRow): z.infer<typeof conversationView> {
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    subject: row.subject,
    contactId: row.contact_id,
    queueId: row.queue_id,
    assigneeId: row.assignee_id,
    callId: row.call_id,
    updatedAt: isoTime(row.updated_at),
  };
}
