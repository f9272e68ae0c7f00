DROP TABLE api_tokens;
DROP TABLE user_sessions;
DROP TABLE sip_credentials;
DROP TABLE user_skills;
DROP TABLE skills;
DROP TABLE team_supervisors;
DROP TABLE users;
DROP TABLE teams;
