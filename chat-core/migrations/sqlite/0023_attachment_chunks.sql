-- Attachment bytes in bounded chunks (`store/attachments.rs`), so neither an
-- upload nor a download holds a whole file in memory. An upload's row is
-- written first with `pending = 1`, its chunks one by one, and `pending`
-- cleared once the last is in: until then no read sees it, an aborted upload
-- deletes it, and the sweep of unsent uploads removes what a crash left.
ALTER TABLE attachments ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

CREATE TABLE attachment_chunks (
    attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    bytes         BLOB    NOT NULL,
    PRIMARY KEY (attachment_id, idx)
);

-- Existing bodies move into chunks of 256 KiB (`ATTACHMENT_CHUNK_BYTES`).
INSERT INTO attachment_chunks (attachment_id, idx, bytes)
WITH RECURSIVE parts (attachment_id, idx) AS (
    SELECT attachment_id, 0 FROM attachment_bodies
    UNION ALL
    SELECT p.attachment_id, p.idx + 1
      FROM parts p JOIN attachment_bodies b ON b.attachment_id = p.attachment_id
     WHERE (p.idx + 1) * 262144 < length(b.bytes)
)
SELECT p.attachment_id, p.idx, substr(b.bytes, p.idx * 262144 + 1, 262144)
  FROM parts p JOIN attachment_bodies b ON b.attachment_id = p.attachment_id;

DROP TABLE attachment_bodies;
