DROP TABLE knowledge_articles;
DROP TABLE csat_responses;
DROP TABLE ticket_events;
DROP TABLE tickets;
DROP TABLE sla_policies;
DROP TABLE messages;
DROP TABLE conversations;
