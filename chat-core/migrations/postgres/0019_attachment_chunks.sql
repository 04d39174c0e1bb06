-- Attachment bytes in bounded chunks (`store/attachments.rs`), so neither an
-- upload nor a download holds a whole file in memory. An upload's row is
-- written first with `pending = 1`, its chunks one by one, and `pending`
-- cleared once the last is in: until then no read sees it, an aborted upload
-- deletes it, and the sweep of unsent uploads removes what a crash left.
ALTER TABLE attachments ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

CREATE TABLE attachment_chunks (
    attachment_id UUID    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    bytes         BYTEA   NOT NULL,
    PRIMARY KEY (attachment_id, idx)
);

-- Existing bodies move into chunks of 256 KiB (`ATTACHMENT_CHUNK_BYTES`).
INSERT INTO attachment_chunks (attachment_id, idx, bytes)
SELECT b.attachment_id, g.idx, substring(b.bytes FROM g.idx * 262144 + 1 FOR 262144)
  FROM attachment_bodies b,
       generate_series(0, GREATEST((length(b.bytes) - 1) / 262144, 0)) AS g (idx);

DROP TABLE attachment_bodies;
