package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/forum"
)

func adminCommand() *cli.Command {
	return &cli.Command{
		Name:  "admin",
		Usage: "administer accounts directly in the database (server running or not)",
		Subcommands: []*cli.Command{
			{
				Name:  "create-user",
				Usage: "create an account",
				Flags: append(storeFlags(),
					&cli.StringFlag{Name: "username", Required: true, Usage: "2–30 letters, digits or underscores"},
					&cli.StringFlag{Name: "email", Required: true, Usage: "email address"},
					&cli.StringFlag{Name: "password", Required: true, EnvVars: []string{"HEARTH_ADMIN_PASSWORD"}, Usage: "at least 8 characters"},
					&cli.StringFlag{Name: "role", Value: "member", Usage: "member, ambassador, moderator or admin"},
				),
				Action: func(c *cli.Context) error {
					svc, _, err := serviceFromFlags(c)
					if err != nil {
						return err
					}
					defer svc.Store().Close()
					u, err := svc.CreateUser(c.Context, forum.SignUpInput{
						Username: c.String("username"), Email: c.String("email"), Password: c.String("password"),
					}, c.String("role"))
					if err != nil {
						return fmt.Errorf("cannot create user: %w", err)
					}
					fmt.Printf("created %s (%s) with id %d\n", u.Username, u.Role, u.ID)
					return nil
				},
			},
			{
				Name:  "create-token",
				Usage: "issue a personal access token for the JSON API; prints only the token",
				Flags: append(storeFlags(),
					&cli.StringFlag{Name: "username", Required: true, Usage: "the member the token acts as"},
					&cli.StringFlag{Name: "name", Usage: "a label to recognise the token by"},
				),
				Action: func(c *cli.Context) error {
					svc, _, err := serviceFromFlags(c)
					if err != nil {
						return err
					}
					defer svc.Store().Close()
					u, err := svc.UserByUsername(c.Context, c.String("username"))
					if err != nil {
						return fmt.Errorf("no member named %q", c.String("username"))
					}
					tok, err := svc.CreateToken(c.Context, u.ID, c.String("name"))
					if err != nil {
						return err
					}
					fmt.Println(tok)
					return nil
				},
			},
			reset2FACommand(),
			resetPasswordCommand(),
			rollupCommand(),
			migrateDBCommand(),
			backupCommand(),
			restoreCommand(),
		},
	}
}

func devCommand() *cli.Command {
	return &cli.Command{
		Name:  "dev",
		Usage: "tools for trying Hearth out and for benchmarks",
		Subcommands: []*cli.Command{
			{
				Name:  "seed",
				Usage: "fill a demo community with members, threads and posts (bulk inserts)",
				Flags: append(storeFlags(), urlFlag(),
					&cli.IntFlag{Name: "users", Value: 50, Usage: "members to create"},
					&cli.IntFlag{Name: "threads", Value: 100, Usage: "threads to create"},
					&cli.IntFlag{Name: "posts-per-thread", Value: 20, Usage: "posts in each thread, the first included"},
					&cli.StringFlag{Name: "category", Usage: "put every thread in this category (created if missing); default spreads them over demo categories"},
				),
				Action: func(c *cli.Context) error {
					svc, _, err := serviceFromFlags(c)
					if err != nil {
						return err
					}
					defer svc.Store().Close()
					res, err := svc.Seed(c.Context, forum.SeedOptions{
						Users: c.Int("users"), Threads: c.Int("threads"), PostsPerThread: c.Int("posts-per-thread"), Category: c.String("category"),
					})
					if err != nil {
						return err
					}
					signedUp, err := svc.UserCount(c.Context)
					if err != nil {
						return err
					}
					printSeedResult(os.Stdout, res, signedUp)
					return nil
				},
			},
		},
	}
}

func rollupCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollup",
		Usage: "compute the community analytics' daily rollups for past days (idempotent; `hearth serve` does it too)",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "from", Usage: "first day, YYYY-MM-DD (default: yesterday)"},
			&cli.StringFlag{Name: "to", Usage: "last day, YYYY-MM-DD, before today (default: yesterday)"},
		),
		Action: func(c *cli.Context) error {
			svc, _, err := serviceFromFlags(c)
			if err != nil {
				return err
			}
			defer svc.Store().Close()
			yesterday := svc.Now().Truncate(24*time.Hour).AddDate(0, 0, -1)
			from, to := yesterday, yesterday
			for _, f := range []struct {
				name string
				dst  *time.Time
			}{{"from", &from}, {"to", &to}} {
				if v := c.String(f.name); v != "" {
					t, err := time.Parse("2006-01-02", v)
					if err != nil {
						return fmt.Errorf("--%s: use a date like 2026-01-31", f.name)
					}
					*f.dst = t
				}
			}
			if from.After(to) {
				return fmt.Errorf("--from must not be after --to")
			}
			start := time.Now()
			done, busy, err := svc.RollupRange(c.Context, from, to)
			if err != nil {
				return err
			}
			// As the worker does after each pass: the dashboard's default
			// window reads its contributor totals from one stored row.
			if err := svc.RefreshContributorSums(c.Context); err != nil {
				return err
			}
			fmt.Printf("rolled up %d days in %s", done, time.Since(start).Round(time.Millisecond))
			if busy > 0 {
				fmt.Printf(" (%d skipped: another process was computing them)", busy)
			}
			fmt.Println()
			return nil
		},
	}
}

// resetPasswordCommand prints a one-time link to set a member's password,
// for a member who cannot receive mail: the same link the forgot-password
// form mails (one use, one hour), built on --url.
func resetPasswordCommand() *cli.Command {
	return &cli.Command{
		Name:  "reset-password",
		Usage: "print a one-time link (valid one hour) with which a member sets a new password",
		Flags: append(storeFlags(), urlFlag(),
			&cli.StringFlag{Name: "username", Required: true, Usage: "the member whose password to reset"},
		),
		Action: func(c *cli.Context) error {
			svc, _, err := serviceFromFlags(c)
			if err != nil {
				return err
			}
			defer svc.Store().Close()
			link, err := svc.PasswordResetLink(c.Context, c.String("username"))
			if errors.Is(err, forum.ErrNotFound) {
				return fmt.Errorf("no member named %q", c.String("username"))
			} else if err != nil {
				return fmt.Errorf("cannot reset the password: %w", err)
			}
			fmt.Println(link)
			return nil
		},
	}
}
