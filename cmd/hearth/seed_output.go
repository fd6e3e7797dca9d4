package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hearth/hearth/forum"
)

// seedListedNames is how many seeded usernames `dev seed` prints by name;
// benchmarks seed thousands.
const seedListedNames = 20

// printSeedResult tells whoever ran `hearth dev seed` what they can log in
// as: the usernames made, their password, and whether signing up still
// makes them the administrator (signedUp is how many people have accounts;
// seeded members do not count).
func printSeedResult(w io.Writer, res *forum.SeedResult, signedUp int64) {
	rate := 0.0
	if s := res.Elapsed.Seconds(); s > 0 {
		rate = float64(res.Posts) / s
	}
	fmt.Fprintf(w, "seeded %d users, %d threads, %d posts in %s (%.0f posts/s); first thread id %d\n",
		res.Users, res.Threads, res.Posts, res.Elapsed.Round(1e6), rate, res.FirstThreadID)
	names := res.Usernames
	more := ""
	if len(names) > seedListedNames {
		more = fmt.Sprintf(" and %d more", len(names)-seedListedNames)
		names = names[:seedListedNames]
	}
	fmt.Fprintf(w, "members: %s%s\n", strings.Join(names, ", "), more)
	fmt.Fprintf(w, "password of every seeded member: %s\n", forum.SeedPassword)
	if signedUp == 0 {
		fmt.Fprintln(w, "nobody has signed up yet: the first account to sign up becomes the administrator (seeded members do not count)")
	}
}
