DROP TABLE phone_numbers;
DROP TABLE flows;
DROP TABLE queue_skills;
DROP TABLE queue_members;
DROP TABLE queues;
DROP TABLE business_hours_holidays;
DROP TABLE business_hours_intervals;
DROP TABLE business_hours_calendars;
