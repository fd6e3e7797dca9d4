package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// reset2FACommand turns a member's second factor off, for a member who
// lost both their authenticator and their recovery codes. The forum
// audits it and tells the member.
func reset2FACommand() *cli.Command {
	return &cli.Command{
		Name:  "reset-2fa",
		Usage: "turn a member's two-factor login off (they lost their app and recovery codes); audited, and the member is notified",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "username", Required: true, Usage: "the member whose second factor to turn off"},
		),
		Action: func(c *cli.Context) error {
			svc, _, err := serviceFromFlags(c)
			if err != nil {
				return err
			}
			defer svc.Store().Close()
			u, err := svc.ResetTwoFactor(c.Context, nil, c.String("username"))
			if err != nil {
				return fmt.Errorf("cannot reset two-factor login for %q: %w", c.String("username"), err)
			}
			fmt.Printf("two-factor login is off for %s; their recovery codes are deleted. They can log in with their password and turn it on again from their settings.\n", u.Username)
			return nil
		},
	}
}
