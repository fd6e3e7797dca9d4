package models

import "time"

// Category groups threads. A category may have a parent (one level of
// subcategories, like Discourse).
type Category struct {
	ID          int64  `gorm:"primaryKey"`
	ParentID    *int64 `gorm:"index"`
	Slug        string `gorm:"size:50;not null;uniqueIndex"`
	Name        string `gorm:"size:80;not null"`
	Description string `gorm:"size:1000;not null;default:''"`
	Color       string `gorm:"size:7;not null;default:'#888888'"`
	Position    int    `gorm:"not null;default:0"`
	ThreadCount int    `gorm:"not null;default:0"`
	PostCount   int    `gorm:"not null;default:0"`
	LastPostAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// AmbassadorsOnly (migration 0120) makes the category private to
	// ambassadors and staff; it never federates.
	AmbassadorsOnly bool `gorm:"not null;default:false"`
	// APSlug (migration 0330) is the slug the category's ActivityPub id
	// was made from: its first one. A rename changes Slug, never APSlug,
	// so the Group keeps its id and its followers.
	APSlug string `gorm:"column:ap_slug;size:50;not null;default:''"`
	// StaffOnlyThreads (migration 0330): only the category's moderators
	// and admins may start threads; everyone may still reply.
	StaffOnlyThreads bool `gorm:"not null;default:false"`
}

// Thread is a topic: a title and its posts. PostCount is also the highest post
// number handed out, so post numbers stay dense and pages can be addressed by
// number instead of OFFSET.
type Thread struct {
	ID             int64     `gorm:"primaryKey"`
	CategoryID     int64     `gorm:"not null;index:idx_threads_activity,priority:1"`
	UserID         int64     `gorm:"not null;index"`
	Title          string    `gorm:"size:300;not null"`
	Slug           string    `gorm:"size:100;not null;default:''"`
	FirstPostID    int64     `gorm:"not null;default:0"`
	PostCount      int       `gorm:"not null;default:0"`
	Pinned         bool      `gorm:"not null;default:false;index:idx_threads_activity,priority:2"`
	Locked         bool      `gorm:"not null;default:false"`
	LastPostAt     time.Time `gorm:"not null;index:idx_threads_activity,priority:3;index"`
	LastPostUserID int64     `gorm:"not null;default:0"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DeletedAt      *time.Time
	// Thread tools (migration 0120): MergedIntoID makes a merged thread a
	// redirect; SlowModeSeconds is the least time between one member's
	// posts here (0 is off); PinnedGlobal pins it on the home page too.
	// Not in threadColumns: thread lists never need them.
	MergedIntoID    *int64
	SlowModeSeconds int  `gorm:"not null;default:0"`
	PinnedGlobal    bool `gorm:"not null;default:false"`
}

// Post is one message in a thread. Body is the author's Markdown; HTML is the
// sanitised rendering, computed on write so reads cost nothing. A deleted post
// keeps its row (and number) and shows a placeholder.
type Post struct {
	ID        int64     `gorm:"primaryKey"`
	ThreadID  int64     `gorm:"not null;uniqueIndex:idx_posts_thread_number,priority:1"`
	Number    int       `gorm:"not null;uniqueIndex:idx_posts_thread_number,priority:2"`
	UserID    int64     `gorm:"not null;index:idx_posts_user,priority:1"`
	ReplyToID *int64    `gorm:"index"`
	Body      string    `gorm:"type:text;not null"`
	HTML      string    `gorm:"column:html;type:text;not null"`
	LikeCount int       `gorm:"not null;default:0"`
	EditCount int       `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"index:idx_posts_user,priority:2"`
	UpdatedAt time.Time
	EditedAt  *time.Time
	DeletedAt *time.Time
	DeletedBy *int64
	HiddenAt  *time.Time // flags hid it pending review (migration 0020)
	// APID is the ActivityPub id of a post that came from the fediverse
	// (migration 0040); nil for posts written here.
	APID *string `gorm:"column:ap_id"`
	// BoostCount is how many fediverse accounts boosted the post
	// (migration 0180; rows in post_boosts).
	BoostCount int `gorm:"not null;default:0"`
	// Unlisted marks a remote reply addressed with Public in cc only
	// (migration 0402): shown in its thread, kept out of search, as
	// Mastodon keeps unlisted statuses out of its public search index.
	Unlisted bool `gorm:"not null;default:false"`
}

// PostRevision keeps the body a post had before an edit, so the edit history
// can be shown.
type PostRevision struct {
	ID        int64  `gorm:"primaryKey"`
	PostID    int64  `gorm:"not null;index"`
	EditorID  int64  `gorm:"not null"`
	Body      string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

// Like is one member liking one post.
type Like struct {
	PostID    int64 `gorm:"primaryKey;autoIncrement:false;index:idx_likes_user_post,priority:2"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false;index:idx_likes_user_post,priority:1"`
	CreatedAt time.Time
}

// Bookmark is one member keeping a thread to come back to.
type Bookmark struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ThreadID  int64 `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt time.Time
}

// Tag labels threads (and campaigns later on).
type Tag struct {
	ID          int64  `gorm:"primaryKey"`
	Name        string `gorm:"size:50;not null;uniqueIndex"`
	ThreadCount int    `gorm:"not null;default:0"`
	CreatedAt   time.Time
}

// ThreadTag joins threads and tags.
type ThreadTag struct {
	ThreadID int64 `gorm:"primaryKey;autoIncrement:false"`
	TagID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
}
