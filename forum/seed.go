package forum

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/models"
)

// SeedPassword is the password of every seeded member.
const SeedPassword = "hearth-demo"

// SeedOptions sizes a demo community.
type SeedOptions struct {
	Users          int
	Threads        int
	PostsPerThread int
	Category       string // put all threads here (created if missing); empty spreads over demo categories
}

// SeedResult says what was written and how fast.
type SeedResult struct {
	Users, Threads, Posts int
	FirstThreadID         int64
	Elapsed               time.Duration
	// Usernames are the members made, in order; each logs in with
	// SeedPassword.
	Usernames []string
}

var demoCategories = []CategoryInput{
	{Name: "Announcements", Slug: "announcements", Description: "News from the team.", Color: "#ef4444"},
	{Name: "General", Slug: "general", Description: "Anything about the community.", Color: "#3b82f6"},
	{Name: "Help", Slug: "help", Description: "Ask a question; someone will answer.", Color: "#22c55e"},
	{Name: "Ideas", Slug: "ideas", Description: "Suggest and discuss improvements.", Color: "#a855f7"},
}

var seedWords = strings.Fields(`community forum member reply thread question answer welcome help idea
release update garden bicycle recipe coffee meetup event volunteer project design library server
federation mastodon privacy moderation ambassador newsletter weekend morning question feedback
support documentation tutorial bug feature roadmap vote poll campaign hashtag photo travel music
book podcast workshop beginner expert tip trick thanks great interesting agree suggest`)

// Seed fills the database with a demo community using bulk inserts, so it
// writes thousands of posts a second. Every seeded member's password is
// SeedPassword. Seeded members are marked (models.User.Seeded) and are not
// sign-ups: on a forum nobody has joined yet, the first person to sign up
// still becomes the administrator.
func (s *Service) Seed(ctx context.Context, o SeedOptions) (*SeedResult, error) {
	start := time.Now()
	if o.Users < 1 || o.Threads < 0 || o.PostsPerThread < 1 {
		return nil, fmt.Errorf("--users must be at least 1 and --posts-per-thread at least 1")
	}
	rng := rand.New(rand.NewPCG(uint64(start.UnixNano()), 42))
	cats, err := s.seedCategories(ctx, o.Category)
	if err != nil {
		return nil, err
	}
	users, err := s.seedUsers(ctx, o.Users, rng)
	if err != nil {
		return nil, err
	}
	bodies := make([]struct{ md, html string }, 48)
	for i := range bodies {
		md := seedBody(rng, users)
		bodies[i].md, bodies[i].html = md, s.md.Render(md).HTML
	}
	res := &SeedResult{Users: len(users), Usernames: make([]string, len(users))}
	for i := range users {
		res.Usernames[i] = users[i].Username
	}
	// Write in chunks of about 5,000 posts per transaction: big enough to
	// be fast, small enough to keep memory flat for huge seeds.
	chunk := max(1, 5000/o.PostsPerThread)
	now := s.now()
	for done := 0; done < o.Threads; done += chunk {
		n := min(chunk, o.Threads-done)
		err := s.store.WithTx(ctx, func(ctx context.Context) error {
			threads := make([]models.Thread, n)
			for i := range threads {
				// Early enough that the last reply (at most 90 minutes
				// after the one before) is not in the future.
				created := now.Add(-time.Duration(rng.IntN(60*24))*time.Hour - time.Duration(o.PostsPerThread)*91*time.Minute)
				author := users[rng.IntN(len(users))]
				title := seedTitle(rng)
				threads[i] = models.Thread{
					CategoryID: cats[rng.IntN(len(cats))].ID, UserID: author.ID, Title: title, Slug: Slugify(title, 80),
					PostCount: o.PostsPerThread, LastPostAt: created, LastPostUserID: author.ID, CreatedAt: created, UpdatedAt: created,
				}
			}
			if err := s.store.InsertBatch(ctx, &threads); err != nil {
				return err
			}
			posts := make([]models.Post, 0, n*o.PostsPerThread)
			threadIDs := make([]int64, n)
			for i := range threads {
				t := &threads[i]
				threadIDs[i] = t.ID
				at := t.CreatedAt
				for num := 1; num <= o.PostsPerThread; num++ {
					uid := t.UserID
					if num > 1 {
						uid = users[rng.IntN(len(users))].ID
						at = at.Add(time.Duration(1+rng.IntN(90)) * time.Minute)
					}
					b := bodies[rng.IntN(len(bodies))]
					posts = append(posts, models.Post{ThreadID: t.ID, Number: num, UserID: uid, Body: b.md, HTML: b.html, LikeCount: rng.IntN(4), CreatedAt: at, UpdatedAt: at})
				}
				t.LastPostAt = at
			}
			if err := s.store.InsertBatch(ctx, &posts); err != nil {
				return err
			}
			res.Threads += n
			res.Posts += len(posts)
			if res.FirstThreadID == 0 && n > 0 {
				res.FirstThreadID = threads[0].ID
			}
			return s.store.FinishSeededThreads(ctx, threadIDs)
		})
		if err != nil {
			return nil, fmt.Errorf("seed threads: %w", err)
		}
	}
	if err := s.store.RecountTotals(ctx); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// seedCategories returns the demo categories, or the one --category names,
// creating what is missing. --category is a slug (help) or a name (Long
// reads, seeded as long-reads, or found there if it exists).
func (s *Service) seedCategories(ctx context.Context, category string) ([]models.Category, error) {
	wanted := demoCategories
	if category = strings.TrimSpace(category); category != "" {
		name, slug := category, strings.ToLower(category)
		if slugPattern.MatchString(slug) {
			name = strings.ToUpper(slug[:1]) + slug[1:]
		} else if slug = Slugify(category, 50); slug == "" {
			return nil, fmt.Errorf("--category %q: give a slug like long-reads or a name with letters or digits", category)
		}
		if reservedNames[slug] {
			return nil, fmt.Errorf("--category %q: %s is a reserved name", category, slug)
		}
		wanted = []CategoryInput{{Name: name, Slug: slug, Description: "Seeded category.", Color: "#f97316"}}
	}
	var out []models.Category
	for _, in := range wanted {
		c, err := s.store.CategoryBySlug(ctx, in.Slug)
		if err != nil {
			c = &models.Category{Name: in.Name, Slug: in.Slug, Description: in.Description, Color: in.Color}
			if err := s.store.CreateCategory(ctx, c); err != nil {
				return nil, fmt.Errorf("create category %s: %w", in.Slug, err)
			}
		}
		out = append(out, *c)
	}
	return out, nil
}

var seedNames = strings.Fields("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter yara")

func (s *Service) seedUsers(ctx context.Context, n int, rng *rand.Rand) ([]models.User, error) {
	// One hash for everyone: bcrypt per member would dominate seeding time.
	hash, err := bcrypt.GenerateFromPassword([]byte(SeedPassword), bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	base, err := s.store.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	tag := rng.IntN(1000)
	users := make([]models.User, n)
	for i := range users {
		name := fmt.Sprintf("%s%d_%d", seedNames[i%len(seedNames)], int(base)+i+1, tag)
		users[i] = models.User{
			Username: name, UsernameLower: strings.ToLower(name), Email: name + "@example.invalid", EmailLower: strings.ToLower(name) + "@example.invalid",
			PasswordHash: string(hash), Role: models.RoleMember, DisplayName: strings.ToUpper(name[:1]) + name[1:strings.IndexAny(name, "0123456789")],
			Bio: "Seeded demo member.", Seeded: true,
		}
	}
	if err := s.store.InsertBatch(ctx, &users); err != nil {
		return nil, fmt.Errorf("seed users: %w", err)
	}
	return users, nil
}

func seedTitle(rng *rand.Rand) string {
	n := 4 + rng.IntN(6)
	w := make([]string, n)
	for i := range w {
		w[i] = seedWords[rng.IntN(len(seedWords))]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "?"
}

func seedBody(rng *rand.Rand, users []models.User) string {
	var b strings.Builder
	paras := 1 + rng.IntN(3)
	for p := 0; p < paras; p++ {
		n := 20 + rng.IntN(40)
		for i := 0; i < n; i++ {
			w := seedWords[rng.IntN(len(seedWords))]
			switch rng.IntN(30) {
			case 0:
				w = "**" + w + "**"
			case 1:
				w = "@" + users[rng.IntN(len(users))].Username
			case 2:
				w = "`" + w + "`"
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString(".\n\n")
	}
	if rng.IntN(4) == 0 {
		b.WriteString("- first point\n- second point\n- [a link](https://example.com/docs)\n")
	}
	return b.String()
}
