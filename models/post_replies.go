package models

import "context"

// ReplyRef names a post in a replies collection: its local id, and its
// ActivityPub id when it came from the fediverse.
type ReplyRef struct {
	ID   int64
	APID *string
}

// DirectReplies lists the visible posts that answer postID, in thread
// order, skipping offset and returning at most limit. A post with no
// reply_to answers its thread's first post (that is how its Note's
// inReplyTo reads), so opensThread includes those.
func (s *Store) DirectReplies(ctx context.Context, threadID, postID int64, opensThread bool, offset, limit int) ([]ReplyRef, error) {
	rows, err := s.DB(ctx).Raw(`SELECT id, ap_id FROM posts
		WHERE thread_id = ? AND id <> ? AND deleted_at IS NULL AND hidden_at IS NULL
		AND (reply_to_id = ? OR (? AND reply_to_id IS NULL AND number > 1))
		ORDER BY number LIMIT ? OFFSET ?`, threadID, postID, postID, opensThread, limit, offset).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []ReplyRef
	for rows.Next() {
		var r ReplyRef
		if err := rows.Scan(&r.ID, &r.APID); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}
