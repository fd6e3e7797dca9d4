package forum

import "context"

// PostBodies returns the Markdown of a thread page's posts, keyed by post
// id, for the API. ThreadPage leaves Body empty because pages render the
// stored HTML and its hot query skips the column. Only posts the page shows
// the text of get a body: not deleted ones, and hidden ones only for staff
// (postViews already decided that, in HTML and HiddenForStaff).
func (s *Service) PostBodies(ctx context.Context, views []PostView) (map[int64]string, error) {
	ids := make([]int64, 0, len(views))
	for i := range views {
		v := &views[i]
		if v.Deleted() || (v.Hidden && !v.HiddenForStaff) {
			continue
		}
		ids = append(ids, v.ID)
	}
	posts, err := s.store.PostsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(posts))
	for id, p := range posts {
		out[id] = p.Body
	}
	return out, nil
}
