DROP TABLE contact_emails;
DROP TABLE contact_phones;
DROP TABLE contacts;
