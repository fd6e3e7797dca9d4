package migrations

// The v1* types below are a frozen copy of the schema as migration 0001
// created it. Later migrations change tables with their own statements; never
// edit these, or databases migrated at different times would differ.

import "time"

type v1User struct {
	ID            int64  `gorm:"primaryKey"`
	Username      string `gorm:"size:30;not null"`
	UsernameLower string `gorm:"size:30;not null;uniqueIndex"`
	Email         string `gorm:"size:254;not null"`
	EmailLower    string `gorm:"size:254;not null;uniqueIndex"`
	PasswordHash  string `gorm:"size:100;not null"`
	DisplayName   string `gorm:"size:80;not null;default:''"`
	Bio           string `gorm:"size:2000;not null;default:''"`
	AvatarFile    string `gorm:"size:100;not null;default:''"`
	Role          string `gorm:"size:16;not null;default:member"`
	PostCount     int    `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
	LastSeenAt    *time.Time
}

func (v1User) TableName() string { return "users" }

type v1Session struct {
	ID         string `gorm:"primaryKey;size:64"`
	UserID     int64  `gorm:"not null;index"`
	IP         string `gorm:"size:64;not null;default:''"`
	UserAgent  string `gorm:"size:300;not null;default:''"`
	CreatedAt  time.Time
	ExpiresAt  time.Time `gorm:"not null;index"`
	LastSeenAt time.Time
}

func (v1Session) TableName() string { return "sessions" }

type v1Token struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null;index"`
	Name       string `gorm:"size:100;not null;default:''"`
	Hash       string `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

func (v1Token) TableName() string { return "tokens" }

type v1LoginFailure struct {
	ID        int64     `gorm:"primaryKey"`
	Username  string    `gorm:"size:254;not null;index:idx_login_failures_user,priority:1"`
	IP        string    `gorm:"size:64;not null;index:idx_login_failures_ip,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_login_failures_user,priority:2;index:idx_login_failures_ip,priority:2"`
}

func (v1LoginFailure) TableName() string { return "login_failures" }

type v1Category struct {
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
}

func (v1Category) TableName() string { return "categories" }

type v1Thread struct {
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
}

func (v1Thread) TableName() string { return "threads" }

type v1Post struct {
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
}

func (v1Post) TableName() string { return "posts" }

type v1PostRevision struct {
	ID        int64  `gorm:"primaryKey"`
	PostID    int64  `gorm:"not null;index"`
	EditorID  int64  `gorm:"not null"`
	Body      string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

func (v1PostRevision) TableName() string { return "post_revisions" }

type v1Like struct {
	PostID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt time.Time
}

func (v1Like) TableName() string { return "likes" }

type v1Bookmark struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ThreadID  int64 `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt time.Time
}

func (v1Bookmark) TableName() string { return "bookmarks" }

type v1Tag struct {
	ID          int64  `gorm:"primaryKey"`
	Name        string `gorm:"size:50;not null;uniqueIndex"`
	ThreadCount int    `gorm:"not null;default:0"`
	CreatedAt   time.Time
}

func (v1Tag) TableName() string { return "tags" }

type v1ThreadTag struct {
	ThreadID int64 `gorm:"primaryKey;autoIncrement:false"`
	TagID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (v1ThreadTag) TableName() string { return "thread_tags" }
